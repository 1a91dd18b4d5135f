package dev.autogateway.server;

import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.Limits;
import dev.autogateway.provider.UpstreamFailure;
import dev.autogateway.provider.UpstreamStream;
import dev.autogateway.routing.AttemptOutcome;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.Routed;
import dev.autogateway.routing.Target;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Relays one stream to the client. Until the first chunk arrives nothing is sent, so failover stays invisible;
 * after it, an upstream failure ends the stream with an in-band OpenAI error event and {@code [DONE]}: never a
 * truncated stream that looks complete.
 */
final class StreamRelay {
    private final Vertx vertx;
    private final FailoverRouter router;
    private final Exchange x;
    private UpstreamStream stream;
    private Target target;
    private long budgetTimer = -1;

    StreamRelay(Vertx vertx, FailoverRouter router, Exchange x) {
        this.vertx = vertx;
        this.router = router;
        this.x = x;
    }

    void start(List<Target> plan, ChatRequest chat, Limits limits) {
        x.response.closeHandler(v -> onClientGone());
        budgetTimer = vertx.setTimer(Math.max(1, limits.remainingMs()), id -> onBudgetSpent());
        router.stream(plan, chat, x.requestId, limits, x.attempts).onComplete(ar -> {
            if (ar.failed()) {
                vertx.cancelTimer(budgetTimer);
                x.error(ar.cause());
            } else if (x.answered() || x.attempts.cancelled()) {
                ar.result().value().cancel();
            } else {
                commit(ar.result());
            }
        });
    }

    private void commit(Routed<UpstreamStream> opened) {
        stream = opened.value();
        target = opened.target();
        x.ttftMs = opened.latencyMs();
        x.routingHeaders(target);
        x.response.setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("x-accel-buffering", "no");
        write(stream.first());
        stream.start(this::write, this::onEnd, this::onFailure);
    }

    private void write(JsonObject chunk) {
        x.write(Sse.event(chunk));
        if (x.response.writeQueueFull()) {
            x.response.drainHandler(v -> stream.consumed());
        } else {
            stream.consumed();
        }
    }

    private void onEnd() {
        vertx.cancelTimer(budgetTimer);
        router.recordStreamOutcome(target, AttemptOutcome.success(x.elapsedMs(), x.ttftMs));
        x.response.end(Sse.DONE);
    }

    private void onFailure(UpstreamFailure f) {
        vertx.cancelTimer(budgetTimer);
        router.recordStreamOutcome(target, AttemptOutcome.failure(f.errorClass(), x.elapsedMs()));
        endInBand(f.errorClass() == ErrorClass.STALL || f.errorClass() == ErrorClass.TIMEOUT ? "upstream_timeout" : "upstream_error",
                "The upstream stream failed after it had started (provider '" + target.provider().name() + "', model '"
                        + target.model() + "'): " + f.getMessage());
    }

    private void onBudgetSpent() {
        x.attempts.cancel();
        if (stream == null) {
            x.error(new ApiError(504, "The request did not complete within its budget of " + router.config().timeoutMs()
                    + " ms.", "server_error", null, "upstream_timeout"));
            return;
        }
        stream.cancel();
        router.recordStreamOutcome(target, AttemptOutcome.failure(ErrorClass.TIMEOUT, x.elapsedMs()));
        endInBand("upstream_timeout", "The stream did not complete within the request's budget of "
                + router.config().timeoutMs() + " ms.");
    }

    /** The client's stream was already 200 OK: the error goes in-band, then [DONE] so parsers end cleanly. */
    private void endInBand(String code, String message) {
        x.outcome = code;
        if (x.response.ended() || x.response.closed()) {
            return;
        }
        JsonObject error = new ApiError(502, message, "server_error", null, code).toJson();
        x.write(Sse.event(error));
        x.response.end(Sse.DONE);
    }

    private void onClientGone() {
        if (x.response.ended()) {
            return;
        }
        vertx.cancelTimer(budgetTimer);
        x.outcome = "client_closed";
        x.attempts.cancel();
        if (stream != null) {
            stream.cancel();
        }
    }
}
