package dev.autogateway.provider;

/**
 * The time limits of one attempt. {@code deadlineNanos} is the request's total budget on the {@link System#nanoTime}
 * scale, shared by every attempt of the request; {@code attemptTimeoutMs} bounds one non-streaming attempt.
 */
public record Limits(long connectTimeoutMs, long firstByteTimeoutMs, long idleTimeoutMs, long attemptTimeoutMs,
        long deadlineNanos) {

    public long remainingMs() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }
}
