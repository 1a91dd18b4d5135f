package dev.autogateway.provider.google;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.GenerateContentResponse;
import dev.autogateway.provider.ErrorClassifier;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.StreamSender;
import dev.autogateway.provider.StreamWatchdog;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One streaming call through {@code generateContentStream}. The SDK's stream blocks, so it is read on a call thread;
 * each response's chunks are handed to the verticle's context, which alone touches the {@link StreamSender} and the
 * timers. The three stream limits (first event, idle gap, budget), the client's cancel and a failure all stop the
 * HTTP call under the SDK, which wakes the reading thread.
 */
final class GeminiStream {
    /** Chunks handed to the context and not yet sent on, past which the reader waits. */
    private static final int MAX_QUEUED = 64;

    private final Context context;
    private final ProviderRequest request;
    private final StreamSender sender;
    private final UpstreamCall call;
    private final Handoff handoff = new Handoff(MAX_QUEUED);
    private final StreamWatchdog watchdog;

    GeminiStream(Vertx vertx, ProviderRequest request, StreamSender sender) {
        this.context = vertx.getOrCreateContext();
        this.request = request;
        this.sender = sender;
        this.call = new UpstreamCall(request.limits().connectTimeoutMs());
        this.watchdog = new StreamWatchdog(vertx, request.limits(), sender, "Gemini", this::fail);
    }

    void start(WorkerExecutor calls, Client client, GeminiRequestMapper.GeminiRequest g) {
        sender.cancelHandler(() -> {
            watchdog.stop();
            stopUpstream();
        });
        sender.pauseHandler(handoff::pause).resumeHandler(handoff::resume);
        watchdog.start();
        calls.executeBlocking(() -> {
            read(client, g);
            return null;
        }, false).onFailure(t -> fail(ErrorClassifier.fromGenAi(t, false)));
    }

    /** On a call thread: reads the stream to its end, its failure, or until stopped. */
    private void read(Client client, GeminiRequestMapper.GeminiRequest g) {
        GeminiStreamMapper mapper = new GeminiStreamMapper(request.model(), request.includeUsage());
        boolean delivered = false;
        try (UpstreamCall.Binding bound = call.bind();
                ResponseStream<GenerateContentResponse> stream =
                        client.models.generateContentStream(request.model(), g.contents(), g.config())) {
            for (GenerateContentResponse response : stream) {
                List<JsonObject> chunks = mapper.onResponse(response);
                if (!handoff.awaitRoom()) {
                    return;
                }
                handoff.queued(chunks.size());
                delivered |= !chunks.isEmpty();
                context.runOnContext(v -> deliver(chunks));
            }
            List<JsonObject> last = mapper.onEnd();
            context.runOnContext(v -> {
                deliver(last);
                complete();
            });
        } catch (RuntimeException e) {
            UpstreamFailure failure = ErrorClassifier.fromGenAi(e, delivered);
            context.runOnContext(v -> fail(failure));
        }
    }

    /** On the context, in the order the reader read: every upstream event counts as activity, chunks or not. */
    private void deliver(List<JsonObject> chunks) {
        handoff.sent(chunks.size());
        if (sender.isDone()) {
            return;
        }
        watchdog.event();
        chunks.forEach(sender::chunk);
    }

    private void complete() {
        if (sender.isDone()) {
            return;
        }
        watchdog.stop();
        sender.end();
    }

    private void fail(UpstreamFailure failure) {
        if (sender.isDone()) {
            return;
        }
        watchdog.stop();
        sender.fail(failure);
        stopUpstream();
    }

    private void stopUpstream() {
        handoff.stop();
        call.cancel();
    }
}
