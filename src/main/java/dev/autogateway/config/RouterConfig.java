package dev.autogateway.config;

import java.util.List;
import java.util.Map;

/**
 * The {@code router} section. Durations are milliseconds here; the file gives seconds, as the seed did.
 *
 * @param retries extra tries on the same target for transient failures before failing over (the seed's knob, which
 *     it never used)
 * @param timeoutMs total budget of one client request, all attempts included; a request may lower or raise it with
 *     the {@code x-gateway-timeout} header
 * @param firstByteTimeoutMs how long a stream may take to deliver its first event (time to first token)
 * @param idleTimeoutMs longest silence between two events of a stream before it counts as stalled
 * @param attemptTimeoutMs longest one non-streaming attempt may take, so a silent target leaves budget for another
 * @param retryAfterCapMs the longest Retry-After the router waits for; past it, it fails over at once
 * @param authCooldownMs how long a key that got 401/403 stays out of rotation
 * @param quotaCooldownMs how long a key that ran out of quota stays out of rotation
 * @param circuitFailures consecutive failures that open a target's circuit
 * @param circuitResetMs how long an open circuit waits before letting one probe request through
 * @param streamRecovery whether a stream that dies mid-answer is completed from another target
 * @param fallbacks models to try, in order, when every target of a model has failed
 * @param contextWindowFallbacks larger-context models to try when a model says the request is too long for it
 * @param sticky whether a conversation keeps going to the target that served it while that target stays healthy
 *     ({@code adaptive} and {@code bandit}; {@code sequential} always starts from the same target anyway)
 * @param preferModels models {@code adaptive} favours when they are healthy (their weight doubled)
 * @param avoidModels models {@code adaptive} uses only when better ones are not healthy (weight x0.3, the original's
 *     penalty for its hard-coded list of small models)
 * @param persistencePath where the learning strategies' state is saved, or null to keep it in memory
 * @param banditExploration UCB1's exploration constant C (0.2 by default; the original's was 1.5)
 * @param banditHalfLifeMs how fast {@code bandit} forgets: each outcome counts half as much per half-life of age, so
 *     it follows targets that change; 0 keeps every outcome forever, as the original did
 * @param probeIntervalMs after how long without an attempt {@code adaptive} and {@code bandit} try a target again, so
 *     one that recovered or was never tried gets its chance
 * @param backoff by failure class ({@link Backoff#CLASSES}): how long a failing target or key rests
 */
public record RouterConfig(
        String strategy,
        int retries,
        long timeoutMs,
        long connectTimeoutMs,
        long firstByteTimeoutMs,
        long idleTimeoutMs,
        long attemptTimeoutMs,
        long retryAfterCapMs,
        long authCooldownMs,
        long quotaCooldownMs,
        int circuitFailures,
        long circuitResetMs,
        boolean streamRecovery,
        Map<String, List<String>> fallbacks,
        Map<String, List<String>> contextWindowFallbacks,
        boolean routeUnknownModels,
        boolean sticky,
        List<String> preferModels,
        List<String> avoidModels,
        String persistencePath,
        double banditExploration,
        long banditHalfLifeMs,
        long probeIntervalMs,
        Map<String, Backoff> backoff) {}
