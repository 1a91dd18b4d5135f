package dev.autogateway.config;

/**
 * The {@code router} section. Durations are milliseconds here; the file gives seconds, as the seed did.
 *
 * @param retries extra tries on the same target for retryable failures before failing over (the seed's knob,
 *     which it never used)
 * @param timeoutMs total budget of one client request, all attempts included
 * @param firstByteTimeoutMs how long a stream may take to deliver its first event
 * @param idleTimeoutMs longest silence between two events of a stream
 * @param authCooldownMs how long a key that got 401/403 stays out of rotation
 */
public record RouterConfig(
        String strategy,
        int retries,
        long timeoutMs,
        long connectTimeoutMs,
        long firstByteTimeoutMs,
        long idleTimeoutMs,
        long authCooldownMs,
        boolean routeUnknownModels) {}
