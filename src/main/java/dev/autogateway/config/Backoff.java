package dev.autogateway.config;

import java.util.List;
import java.util.Map;

/**
 * How long a target (or, for {@code auth} and {@code quota}, its key) rests after the n-th failure of one class in a
 * row: {@code min(initial * multiplier^n, max)}, for as long as the failures go on. The original stopped backing
 * off after a fixed number of retries, so a key that kept failing was hammered again; this never stops, it only
 * stops growing. A success resets the count. {@code jitter} draws the rest from [d/2, d] instead.
 */
public record Backoff(long initialMs, long maxMs, double multiplier, boolean jitter) {
    /** The failure classes that have a backoff, as named in {@code router.backoff}. */
    public static final List<String> CLASSES = List.of("rate_limit", "auth", "quota", "timeout", "network", "server_error");

    public static final Backoff NONE = new Backoff(0, 0, 1, false);

    /**
     * The original's delays (seed {@code ERROR_BACKOFF_CONFIGS}): what {@code adaptive} and {@code bandit} use by
     * default. {@code server_error} (5xx, overloaded, malformed or cut answers) had none there, so a broken provider
     * was retried on every request; it rests like a network failure here.
     */
    static Map<String, Backoff> original() {
        return Map.of(
                "rate_limit", new Backoff(5_000, 60_000, 2.0, false),
                "auth", new Backoff(10_000, 300_000, 1.5, false),
                "quota", new Backoff(60_000, 3_600_000, 2.0, false),
                "timeout", new Backoff(5_000, 120_000, 1.5, false),
                "network", new Backoff(1_000, 30_000, 2.0, false),
                "server_error", new Backoff(1_000, 30_000, 2.0, false));
    }

    /**
     * What {@code sequential} uses by default: it fails over on every failure anyway, so only rate limits and bad
     * keys rest (a dead target is the circuit breaker's job). A 429 without Retry-After rests 0.5-1 s, then 1-2 s,
     * ... so no target sees more than two attempts within 1.5 s.
     */
    static Map<String, Backoff> failover(long authCooldownMs, long quotaCooldownMs) {
        return Map.of(
                "rate_limit", new Backoff(1_000, 30_000, 2.0, true),
                "auth", fixed(authCooldownMs),
                "quota", fixed(quotaCooldownMs),
                "timeout", NONE,
                "network", NONE,
                "server_error", NONE);
    }

    static Backoff fixed(long ms) {
        return new Backoff(ms, ms, 1.0, false);
    }

    public boolean enabled() {
        return initialMs > 0;
    }

    /** The rest after {@code previous} failures of this class in a row (0 for the first), before any jitter. */
    public long delayMs(int previous) {
        double d = initialMs * Math.pow(multiplier, Math.min(previous, 64));
        return (long) Math.min(maxMs, d);
    }
}
