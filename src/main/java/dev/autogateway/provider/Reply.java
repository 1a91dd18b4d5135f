package dev.autogateway.provider;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.ScheduledFuture;

/**
 * How the answer to one non-streaming attempt comes back. The request crosses the event bus to the provider verticle
 * by reference ({@link LocalCodec}) and carries this object; the provider settles it, and the caller hears of it on
 * its own context. The caller's attempt timer is the attempt's one timer: it ends the attempt at
 * {@code attempt_timeout} or the budget, whatever the provider does (or if the message never reached one), and asks
 * the provider to stop. The bus's own request/reply would cost a reply registration, a close hook and a second timer
 * on every call, about 4% of a request's CPU at saturation.
 */
public final class Reply {
    private static final Runnable NOTHING = () -> { };

    private final ContextInternal caller;
    private final Promise<Completion> promise = Promise.promise();
    private Runnable stop = NOTHING;
    private boolean stopped;
    private ScheduledFuture<?> timer;

    Reply(ContextInternal caller) {
        this.caller = caller;
    }

    Future<Completion> future() {
        return promise.future();
    }

    /** Caller side: the attempt's timer, cancelled once the attempt ends. */
    void timedBy(ScheduledFuture<?> attemptTimer) {
        timer = attemptTimer;
    }

    /**
     * Provider side: the attempt's outcome, handed to the caller's context; ignored once the caller gave up. A provider
     * instance on the caller's event loop (the usual case, see {@link LoopAffinity}) hands it over at once, switching
     * context on the same thread; any other goes through the caller's task queue.
     */
    public void settle(AsyncResult<Completion> outcome) {
        if (promise.future().isComplete()) {
            return; // the caller gave up (its timer ran out) and hears nothing more
        }
        caller.emit(outcome, this::complete);
    }

    /** Provider side: how to stop the upstream call if the caller gives up first (run at once if it already has). */
    public void onStop(Runnable action) {
        boolean now;
        synchronized (this) {
            now = stopped;
            stop = action;
        }
        if (now) {
            action.run();
        }
    }

    /** Caller side, on its context: ends the attempt with {@code failure} unless it has ended, and stops the call. */
    void fail(UpstreamFailure failure) {
        if (!promise.tryFail(failure)) {
            return;
        }
        timer.cancel(false);
        Runnable action;
        synchronized (this) {
            stopped = true;
            action = stop;
        }
        action.run();
    }

    private void complete(AsyncResult<Completion> outcome) {
        timer.cancel(false);
        if (outcome.succeeded()) {
            promise.tryComplete(outcome.result());
        } else {
            promise.tryFail(ErrorClassifier.fromThrowable(outcome.cause(), false));
        }
    }
}
