package dev.autogateway.routing;

import dev.autogateway.provider.ErrorClass;

/**
 * What one attempt on a target came to, as strategies learn it: success with its latency and time to first token
 * (equal to latency when not streaming), or a classified failure. {@code error} is null on success.
 */
public record AttemptOutcome(ErrorClass error, long latencyMs, long ttftMs) {

    public static AttemptOutcome success(long latencyMs, long ttftMs) {
        return new AttemptOutcome(null, latencyMs, ttftMs);
    }

    public static AttemptOutcome failure(ErrorClass error, long latencyMs) {
        return new AttemptOutcome(error, latencyMs, -1);
    }

    public boolean succeeded() {
        return error == null;
    }
}
