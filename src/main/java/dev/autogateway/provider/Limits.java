package dev.autogateway.provider;

import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
     * first; {@code onTimeout} gets the failure to report, on {@code caller}. The timer sits on the caller's event
     * loop directly: every call arms and cancels one, and a Vert.x timer would also register its id in a shared map
     * and a close hook with the context, twice the cost, for a timer that almost never fires.
     */
    ScheduledFuture<?> armAttemptTimer(ContextInternal caller, Consumer<UpstreamFailure> onTimeout) {
        long budget = remainingMs();
        boolean attemptFirst = attemptTimeoutMs < budget;
        return caller.nettyEventLoop().schedule(() -> caller.runOnContext(v -> onTimeout.accept(attemptFirst
                ? new UpstreamFailure(ErrorClass.TIMEOUT_FIRST_TOKEN, "the upstream did not answer within " + attemptTimeoutMs + " ms")
                : new UpstreamFailure(ErrorClass.TIMEOUT, "the upstream did not answer within the request's budget"))),
                Math.max(1, Math.min(attemptTimeoutMs, budget)), TimeUnit.MILLISECONDS);
    }
}
