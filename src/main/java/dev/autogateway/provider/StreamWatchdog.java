package dev.autogateway.provider;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Enforces a stream's three limits on the provider verticle's context: time to the first event, the idle gap between
 * events, and the request's total budget. A breach is reported once, as a classified failure; time spent paused for
 * a slow client ({@link StreamSender#writable()} false) is not a stall.
 */
public final class StreamWatchdog {
    private final Vertx vertx;
    private final Limits limits;
    private final StreamSender sender;
    private final String upstream;
    private final Consumer<UpstreamFailure> onBreach;
    private boolean sawEvent;
    private long lastEventNanos;
    private long firstEventTimer = -1;
    private long idleTimer = -1;
    private long deadlineTimer = -1;

    /** @param upstream how messages name the upstream, e.g. "the upstream" or "Gemini" */
    public StreamWatchdog(Vertx vertx, Limits limits, StreamSender sender, String upstream, Consumer<UpstreamFailure> onBreach) {
        this.vertx = vertx;
        this.limits = limits;
        this.sender = sender;
        this.upstream = upstream;
        this.onBreach = onBreach;
    }

    /** Arms the first-event and budget timers; call when the upstream call is sent. */
    public void start() {
        long firstByte = limits.firstByteTimeoutMs();
        firstEventTimer = vertx.setTimer(Math.max(1, firstByte), id -> onBreach.accept(new UpstreamFailure(
                ErrorClass.TIMEOUT_FIRST_TOKEN, upstream + " sent no event within " + firstByte + " ms")));
        deadlineTimer = vertx.setTimer(Math.max(1, limits.remainingMs()), id -> onBreach.accept(new UpstreamFailure(
                ErrorClass.TIMEOUT, "the " + upstream + " stream did not finish within the request's budget")));
    }

    /** Records activity from the upstream, chunk or not. */
    public void event() {
        lastEventNanos = System.nanoTime();
        if (!sawEvent) {
            sawEvent = true;
            vertx.cancelTimer(firstEventTimer);
            armIdleCheck(limits.idleTimeoutMs());
        }
    }

    public void stop() {
        vertx.cancelTimer(firstEventTimer);
        vertx.cancelTimer(idleTimer);
        vertx.cancelTimer(deadlineTimer);
    }

    /** One timer per idle window rather than one per event. */
    private void armIdleCheck(long delayMs) {
        idleTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (sender.isDone()) {
                return;
            }
            long idleMs = (System.nanoTime() - lastEventNanos) / 1_000_000;
            long limit = limits.idleTimeoutMs();
            if (!sender.writable()) {
                lastEventNanos = System.nanoTime();
                armIdleCheck(limit);
            } else if (idleMs >= limit) {
                onBreach.accept(new UpstreamFailure(ErrorClass.STALL,
                        "the " + upstream + " stream stalled: no event for " + idleMs + " ms"));
            } else {
                armIdleCheck(limit - idleMs);
            }
        });
    }
}
