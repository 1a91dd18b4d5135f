package dev.autogateway.provider.openai;

import dev.autogateway.openai.Completions;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.ErrorClassifier;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.StreamSender;
import dev.autogateway.provider.StreamWatchdog;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming call to an OpenAI-compatible upstream: relays its SSE events as chunks and watches the three stream
 * limits (first event, idle gap, total budget). A stream counts as complete on {@code [DONE]}, or when the
 * connection ends after a {@code finish_reason}; anything else is a cut stream, never a silent success.
 */
final class UpstreamSse {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSse.class);

    private final ProviderRequest request;
    private final StreamSender sender;
    private final HttpClientRequest http;
    private final SseParser parser = new SseParser(this::onData);
    private HttpClientResponse response;
    private boolean answered;
    private boolean sawFinish;
    private int malformedEvents;
    private final StreamWatchdog watchdog;

    UpstreamSse(Vertx vertx, ProviderRequest request, StreamSender sender, HttpClientRequest http) {
        this.request = request;
        this.sender = sender;
        this.http = http;
        this.watchdog = new StreamWatchdog(vertx, request.limits(), sender, "upstream", this::fail);
    }

    void start(Buffer body) {
        sender.cancelHandler(this::abort);
        watchdog.start();
        http.send(body).onComplete(ar -> {
            if (ar.failed()) {
                fail(ErrorClassifier.fromThrowable(ar.cause(), answered));
            } else {
                onResponse(ar.result());
            }
        });
    }

    private void onResponse(HttpClientResponse resp) {
        answered = true;
        response = resp;
        if (sender.isDone()) {
            return;
        }
        if (resp.statusCode() / 100 != 2) {
            resp.body().onComplete(b -> fail(b.succeeded()
                    ? ErrorClassifier.fromResponse(resp.statusCode(), b.result(), resp.getHeader("retry-after"), resp.getHeader("retry-after-ms"))
                    : ErrorClassifier.fromThrowable(b.cause(), true)));
            return;
        }
        sender.pauseHandler(resp::pause).resumeHandler(resp::resume);
        resp.handler(this::onBytes);
        resp.exceptionHandler(t -> fail(ErrorClassifier.fromThrowable(t, true)));
        resp.endHandler(v -> onUpstreamEnd());
    }

    private void onBytes(Buffer bytes) {
        if (sender.isDone()) {
            return;
        }
        try {
            parser.feed(bytes);
        } catch (IllegalStateException e) {
            fail(new UpstreamFailure(ErrorClass.MALFORMED, e.getMessage()));
        }
    }

    private void onUpstreamEnd() {
        if (sender.isDone()) {
            return;
        }
        parser.finish();
        if (sawFinish) {
            complete();
        } else {
            fail(new UpstreamFailure(ErrorClass.STREAM_CUT, "the upstream closed the stream before it finished"));
        }
    }

    private void onData(String data) {
        if (sender.isDone()) {
            return;
        }
        watchdog.event();
        if ("[DONE]".equals(data.trim())) {
            complete();
            return;
        }
        JsonObject chunk;
        try {
            chunk = new JsonObject(data);
        } catch (DecodeException e) {
            // One garbled event is not worth failing an otherwise good stream; a cut stream is caught at its end.
            malformedEvents++;
            LOG.warn("skipped a malformed SSE event from model '{}' (request {})", request.model(), request.requestId());
            return;
        }
        if (chunk.getValue("error") != null) {
            fail(ErrorClassifier.fromStreamError(chunk));
            return;
        }
        boolean changed = Completions.normalizeChunk(chunk, request.model());
        sawFinish |= hasFinishReason(chunk);
        // An event spread over several data lines is valid SSE, but its bytes would not fit in one line of ours.
        boolean oneLine = data.indexOf('\n') < 0 && data.indexOf('\r') < 0;
        sender.chunk(chunk, changed || !oneLine ? null : Buffer.buffer(data));
    }

    private static boolean hasFinishReason(JsonObject chunk) {
        for (Object o : chunk.getJsonArray("choices", new JsonArray())) {
            if (o instanceof JsonObject choice && choice.getValue("finish_reason") != null) {
                return true;
            }
        }
        return false;
    }

    private void complete() {
        watchdog.stop();
        sender.end(malformedEvents);
        if (response != null) {
            // Read what is left so the connection can go back to the pool.
            response.handler(null);
            response.resume();
        }
    }

    private void fail(UpstreamFailure failure) {
        if (sender.isDone()) {
            return;
        }
        watchdog.stop();
        sender.fail(failure);
        http.reset();
    }

    private void abort() {
        watchdog.stop();
        http.reset();
    }
}
