package dev.autogateway.routing;

import dev.autogateway.provider.ErrorClass;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;

/**
 * What the learning strategies know about one target, as an immutable value (so it can live in Vert.x shared data
 * and be replaced atomically). Times are epoch milliseconds of the strategies' clock; 0 means never.
 *
 * @param ewmaLatencyMs the original's EWMA (alpha 0.3, first sample taken as is) of successful calls' total time;
 *     0 until the first success. Unlike the original's, it is persisted.
 * @param ewmaTtftMs the same for the time to first token (equal to the total for non-streaming calls)
 * @param recentAttempts attempts, each counting half as much per {@code router.bandit_half_life} of age
 * @param recentSuccesses successes, discounted the same way
 * @param recentAt when the two were last brought up to date
 * @param probeUntilMs a probe of this target is in flight until then: no other request probes it meanwhile
 */
public record TargetStats(
        long attempts,
        long successes,
        long failures,
        int consecutiveSuccesses,
        int consecutiveFailures,
        double ewmaLatencyMs,
        double ewmaTtftMs,
        double recentAttempts,
        double recentSuccesses,
        long recentAt,
        long lastSuccessMs,
        long lastFailureMs,
        long lastAttemptMs,
        String lastError,
        long probeUntilMs) implements Shareable {

    public static final TargetStats NEW = new TargetStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0);
    static final double EWMA_ALPHA = 0.3;
    /**
     * A latency learned this long ago says little about now: the next sample replaces it instead of weighing 30%.
     * Continuous traffic never gets here; a target tried only now and then (a probe) does, so one probe is enough
     * to see that it is fast again.
     */
    static final long STALE_AFTER_MS = 15_000;

    /** Failures that are the request's own, not the target's: another target would refuse the request just the same. */
    static boolean requestFault(ErrorClass c) {
        return c == ErrorClass.CONTEXT_LENGTH || c == ErrorClass.CONTENT_POLICY;
    }

    /** These stats with one more attempt's outcome, observed at {@code now}, discounting with {@code halfLifeMs}. */
    public TargetStats with(AttemptOutcome o, long now, long halfLifeMs) {
        double decay = decay(now, halfLifeMs);
        if (o.succeeded()) {
            double latency = Math.max(0, o.latencyMs());
            double ttft = o.ttftMs() >= 0 ? o.ttftMs() : latency;
            boolean stale = now - lastSuccessMs >= STALE_AFTER_MS;
            return new TargetStats(attempts + 1, successes + 1, failures, consecutiveSuccesses + 1, 0,
                    ewma(ewmaLatencyMs, latency, stale), ewma(ewmaTtftMs, ttft, stale),
                    recentAttempts * decay + 1, recentSuccesses * decay + 1, now,
                    now, lastFailureMs, now, lastError, 0);
        }
        if (requestFault(o.error())) {
            return this;
        }
        return new TargetStats(attempts + 1, successes, failures + 1, 0, consecutiveFailures + 1,
                ewmaLatencyMs, ewmaTtftMs, recentAttempts * decay + 1, recentSuccesses * decay, now,
                lastSuccessMs, now, now, o.error().wireName(), 0);
    }

    /** With the original's lifetime counts only (no discounting). */
    public TargetStats with(AttemptOutcome o, long now) {
        return with(o, now, 0);
    }

    private double decay(long now, long halfLifeMs) {
        return halfLifeMs <= 0 || recentAt == 0 ? 1.0 : Math.pow(0.5, Math.max(0, now - recentAt) / (double) halfLifeMs);
    }

    /** The discounted attempt count as of {@code now}. */
    public double recentAttempts(long now, long halfLifeMs) {
        return recentAttempts * decay(now, halfLifeMs);
    }

    private static double ewma(double current, double sample, boolean stale) {
        return current <= 0 || stale ? Math.max(sample, 1e-3) : EWMA_ALPHA * sample + (1 - EWMA_ALPHA) * current;
    }

    TargetStats probing(long until) {
        return new TargetStats(attempts, successes, failures, consecutiveSuccesses, consecutiveFailures, ewmaLatencyMs,
                ewmaTtftMs, recentAttempts, recentSuccesses, recentAt, lastSuccessMs, lastFailureMs, lastAttemptMs, lastError,
                until);
    }

    /** The original's success rate: 0.5 for a target never tried. */
    public double successRate() {
        return attempts == 0 ? 0.5 : (double) successes / attempts;
    }

    /** The original's average latency: the EWMA, or 1000 ms before the first success. */
    public double avgLatencyMs() {
        return ewmaLatencyMs > 0 ? ewmaLatencyMs : 1000.0;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("attempts", attempts)
                .put("successes", successes)
                .put("failures", failures)
                .put("consecutive_successes", consecutiveSuccesses)
                .put("consecutive_failures", consecutiveFailures)
                .put("ewma_latency_ms", ewmaLatencyMs)
                .put("ewma_ttft_ms", ewmaTtftMs)
                .put("recent_attempts", recentAttempts)
                .put("recent_successes", recentSuccesses)
                .put("recent_at", recentAt)
                .put("last_success_ms", lastSuccessMs)
                .put("last_failure_ms", lastFailureMs)
                .put("last_attempt_ms", lastAttemptMs)
                .put("last_error", lastError);
    }

    /**
     * Reads {@link #toJson}; missing fields are zero, so files from older versions still load. Files from before
     * {@code recent_successes} get the lifetime success rate in its place.
     */
    public static TargetStats fromJson(JsonObject j) {
        long attempts = j.getLong("attempts", 0L);
        long successes = j.getLong("successes", 0L);
        double recentAttempts = j.getDouble("recent_attempts", 0.0);
        return new TargetStats(
                attempts,
                successes,
                j.getLong("failures", 0L),
                j.getInteger("consecutive_successes", 0),
                j.getInteger("consecutive_failures", 0),
                j.getDouble("ewma_latency_ms", 0.0),
                j.getDouble("ewma_ttft_ms", 0.0),
                recentAttempts,
                j.getDouble("recent_successes", attempts == 0 ? 0.0 : recentAttempts * successes / attempts),
                j.getLong("recent_at", 0L),
                j.getLong("last_success_ms", 0L),
                j.getLong("last_failure_ms", 0L),
                j.getLong("last_attempt_ms", 0L),
                j.getString("last_error"),
                0);
    }
}
