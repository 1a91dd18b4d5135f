package dev.autogateway.server;

import dev.autogateway.config.RouterConfig;
import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.Tokens;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.StreamEvent;
import dev.autogateway.provider.UpstreamFailure;
import dev.autogateway.provider.UpstreamStream;
import dev.autogateway.routing.Routed;
import dev.autogateway.routing.StreamRoute;
import dev.autogateway.routing.Target;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one stream to the client. Until the first chunk arrives nothing is sent, so failover stays invisible.
 * After it, a stream that dies is picked up on another target and spliced on (see {@link ResumeFilter}); when that
 * cannot be done, the stream ends with an in-band OpenAI error event and {@code [DONE]}: never a truncated stream
 * that looks complete, never repeated text.
 */
final class StreamRelay {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);

    private final Vertx vertx;
    private final RouterConfig config;
    private final StreamRoute route;
    private final Exchange x;
    private final StringBuilder sentText = new StringBuilder();
    private UpstreamStream stream;
    private Target target;
    private long budgetTimer = -1;
    private long budgetMs;
    private boolean toolCallsSent;
    private boolean multipleChoices;
    private String streamId;
    private long created;
    private ResumeFilter splice;
    private UpstreamFailure firstFailure;
    private Target firstFailed;

    private final GatewayMetrics metrics;

    StreamRelay(Vertx vertx, RouterConfig config, StreamRoute route, Exchange x, GatewayMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.route = route;
        this.x = x;
        this.metrics = metrics;
    }

    void start(long budgetMs) {
        this.budgetMs = budgetMs;
        // Not response.closeHandler: vertx-web's end handlers (access log, metrics) hang on that one. Every way a
        // stream ends goes through here, so this is the one place the budget timer stops.
        x.rc.addEndHandler(ar -> {
            vertx.cancelTimer(budgetTimer);
            if (ar.failed()) {
                onClientGone();
            }
        });
        budgetTimer = vertx.setTimer(Math.max(1, budgetMs), id -> onBudgetSpent());
        route.open().onComplete(ar -> {
            if (ar.failed()) {
                x.error(ar.cause());
            } else if (x.answered() || x.attempts.cancelled()) {
                ar.result().value().cancel();
            } else {
                commit(ar.result());
            }
        });
    }

    private void commit(Routed<UpstreamStream> opened) {
        x.ttftMs = opened.latencyMs();
        x.routingHeaders(opened.target());
        x.response.setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("x-accel-buffering", "no");
        metrics.streamStarted();
        x.rc.addEndHandler(v -> metrics.streamEnded());
        JsonObject first = opened.value().first().json();
        streamId = first.getString("id");
        created = first.getLong("created", 0L);
        attach(opened);
    }

    private void attach(Routed<UpstreamStream> opened) {
        stream = opened.value();
        target = opened.target();
        deliver(stream.first());
        stream.start(this::deliver, this::onEnd, this::onFailure);
    }

    private void deliver(StreamEvent.Chunk chunk) {
        if (splice == null) {
            forward(chunk.json(), chunk.data());
        } else {
            try {
                // The splice rewrites chunks in place: their upstream bytes no longer match.
                splice.accept(chunk.json()).forEach(c -> forward(c, null));
            } catch (ResumeFilter.Diverged d) {
                stream.cancel();
                endInBand(codeFor(firstFailure), failureMessage() + " Recovery failed: " + d.getMessage() + ".");
                return;
            }
        }
        if (x.response.writeQueueFull()) {
            UpstreamStream current = stream;
            x.response.drainHandler(v -> current.consumed());
        } else {
            stream.consumed();
        }
    }

    /** @param data the upstream's bytes for {@code chunk}, when they encode it exactly; else null */
    private void forward(JsonObject chunk, Buffer data) {
        Usage.record(metrics, target, Tokens.of(chunk));
        JsonArray choices = chunk.getJsonArray("choices");
        if (choices != null) {
            multipleChoices |= choices.size() > 1;
            for (Object o : choices) {
                JsonObject delta = o instanceof JsonObject c ? c.getJsonObject("delta") : null;
                if (delta != null) {
                    toolCallsSent |= delta.getValue("tool_calls") != null;
                    // Kept only for a recovery, which needs the text already sent.
                    if (config.streamRecovery() && delta.getValue("content") instanceof String text) {
                        sentText.append(text);
                    }
                }
            }
        }
        x.write(data != null ? Sse.event(data) : Sse.event(chunk));
    }

    private void onEnd() {
        route.succeeded(target, x.elapsedMs(), x.ttftMs);
        if (stream.malformedEvents() > 0) {
            metrics.malformedEvents(target.provider().name(), stream.malformedEvents());
        }
        if (splice != null) {
            x.outcome = "recovered";
            metrics.recovery("recovered");
            LOG.info("request {}: stream recovered on provider '{}' model '{}' after: {}", x.requestId,
                    target.provider().name(), target.model(), firstFailure.getMessage());
        }
        x.response.end(Sse.DONE);
    }

    private void onFailure(UpstreamFailure f) {
        route.failed(target, f, x.elapsedMs());
        if (firstFailure == null) {
            firstFailure = f;
            firstFailed = target;
        }
        if (!config.streamRecovery() || toolCallsSent || multipleChoices || x.attempts.cancelled()) {
            endInBand(codeFor(firstFailure), failureMessage());
            return;
        }
        String sent = sentText.toString();
        Target failed = target;
        route.resume(sent).onComplete(ar -> {
            if (x.response.ended() || x.attempts.cancelled()) {
                if (ar.succeeded()) {
                    ar.result().value().cancel();
                }
                return;
            }
            if (ar.failed()) {
                endInBand(codeFor(firstFailure), failureMessage() + " No other target could complete it.");
                return;
            }
            LOG.info("request {}: resuming a stream cut on provider '{}' on provider '{}' model '{}'", x.requestId,
                    failed.provider().name(), ar.result().target().provider().name(), ar.result().target().model());
            splice = new ResumeFilter(sent, StreamRoute.prefills(ar.result().target()), streamId, created);
            attach(ar.result());
        });
    }

    /** Names the failure that broke the answer, not a later failed attempt to recover it. */
    private String failureMessage() {
        return "The upstream stream failed after it had started (provider '" + firstFailed.provider().name()
                + "', model '" + firstFailed.model() + "'): " + firstFailure.getMessage() + ".";
    }

    private static String codeFor(UpstreamFailure f) {
        return f.errorClass().isTimeout() ? "upstream_timeout" : "upstream_error";
    }

    private void onBudgetSpent() {
        if (x.response.ended()) {
            return;
        }
        x.attempts.cancel();
        if (stream == null) {
            x.error(new ApiError(504, "The request did not complete within its budget of " + budgetMs
                    + " ms.", "server_error", null, "upstream_timeout"));
            return;
        }
        stream.cancel();
        if (firstFailure == null) {
            firstFailure = new UpstreamFailure(ErrorClass.TIMEOUT, "budget spent");
            firstFailed = target;
        }
        route.failed(target, firstFailure, x.elapsedMs());
        endInBand("upstream_timeout", "The stream did not complete within the request's budget.");
    }

    /** The client's stream was already 200 OK: the error goes in-band, then [DONE] so parsers end cleanly. */
    private void endInBand(String code, String message) {
        x.outcome = code;
        if (x.response.ended() || x.response.closed()) {
            return;
        }
        // Every stream that died mid-answer and was not completed, whether or not a recovery could be tried.
        metrics.recovery("failed");
        x.write(Sse.event(new ApiError(502, message, "server_error", null, code).toJson()));
        x.response.end(Sse.DONE);
    }

    private void onClientGone() {
        if (x.response.ended()) {
            return;
        }
        if (stream != null) {
            stream.cancel();
        }
    }
}
