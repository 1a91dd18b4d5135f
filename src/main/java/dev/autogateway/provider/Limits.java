package dev.autogateway.provider;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * The time limits of one attempt. {@code deadlineNanos} is the request's total budget on the {@link System#nanoTime}
 * scale, shared by every attempt of the request; {@code attemptTimeoutMs} bounds one non-streaming attempt.
 */
public record Limits(long connectTimeoutMs, long firstByteTimeoutMs, long idleTimeoutMs, long attemptTimeoutMs,
        long deadlineNanos) {

    public long remainingMs() {
        return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    /**
     * Arms the timer that ends one non-streaming attempt at {@code attempt_timeout} or the budget, whichever comes
     * first; {@code onTimeout} gets the failure to report. Returns the timer's id.
     */
    long armAttemptTimer(Vertx vertx, Consumer<UpstreamFailure> onTimeout) {
        long budget = remainingMs();
        boolean attemptFirst = attemptTimeoutMs < budget;
        return vertx.setTimer(Math.max(1, Math.min(attemptTimeoutMs, budget)), id -> onTimeout.accept(attemptFirst
                ? new UpstreamFailure(ErrorClass.TIMEOUT_FIRST_TOKEN, "the upstream did not answer within " + attemptTimeoutMs + " ms")
                : new UpstreamFailure(ErrorClass.TIMEOUT, "the upstream did not answer within the request's budget")));
    }
}
