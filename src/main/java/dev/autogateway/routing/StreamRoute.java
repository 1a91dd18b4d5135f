package dev.autogateway.routing;

import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.Limits;
import dev.autogateway.provider.ProviderClient;
import dev.autogateway.provider.UpstreamFailure;
import dev.autogateway.provider.UpstreamStream;
import io.vertx.core.Future;
import java.util.List;

/**
 * The routing of one streaming request. {@link #open} fails over invisibly until a target delivers its first chunk;
 * after that, {@link #resume} can pick up a stream that died mid-answer on the targets not tried yet.
 */
public final class StreamRoute {
    private final FailoverRouter router;
    private final ProviderClient client;
    private final RouteRequest route;
    private final List<Target> plan;
    private final ChatRequest chat;
    private final String requestId;
    private final Limits limits;
    private final Attempts attempts;
    private Dispatch<UpstreamStream> dispatch;

    StreamRoute(FailoverRouter router, ProviderClient client, RouteRequest route, List<Target> plan, ChatRequest chat,
            String requestId, Limits limits, Attempts attempts) {
        this.router = router;
        this.client = client;
        this.route = route;
        this.plan = plan;
        this.chat = chat;
        this.requestId = requestId;
        this.limits = limits;
        this.attempts = attempts;
    }

    public Future<Routed<UpstreamStream>> open() {
        dispatch = new Dispatch<>(router, route, plan, limits, attempts, t -> open(t, chat), false);
        return dispatch.run();
    }

    /**
     * Continues an answer of which {@code sentText} already reached the client. A target whose model accepts a
     * prefill continues from it; any other gets the original request, and the caller must check that its answer
     * starts with {@code sentText} (see {@link #prefills}).
     */
    public Future<Routed<UpstreamStream>> resume(String sentText) {
        dispatch = new Dispatch<>(router, route, dispatch.remaining(), limits, attempts,
                t -> open(t, prefills(t) ? chat.withPrefill(sentText) : chat), true);
        return dispatch.run();
    }

    public static boolean prefills(Target t) {
        return t.features().contains("prefill");
    }

    /** Reports how a stream that had opened on {@code t} ended. */
    public void succeeded(Target t, long latencyMs, long ttftMs) {
        router.recordSuccess(t, AttemptOutcome.success(latencyMs, ttftMs));
    }

    public void failed(Target t, UpstreamFailure f, long latencyMs) {
        router.recordFailure(t, f, latencyMs);
        router.health().countMidStreamFailure(t, f);
    }

    private Future<UpstreamStream> open(Target t, ChatRequest request) {
        return client.stream(router.address(t),
                address -> FailoverRouter.request(t, request, route.needs(), requestId, limits, address, null), attempts::onCancel);
    }
}
