package dev.autogateway.provider;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** How the HTTP side calls a provider verticle over the event bus. */
public final class ProviderClient {
    private static final AtomicLong STREAM_IDS = new AtomicLong();

    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final Vertx vertx;

    public ProviderClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * One non-streaming attempt. The provider's own attempt timer answers within the budget; the send timeout, a
     * second past it, is the backstop that answers even if a provider never replies, so no request waits forever.
     */
    public Future<Completion> complete(String providerAddress, ProviderRequest request) {
        DeliveryOptions opts = new DeliveryOptions().setLocalOnly(true)
                .setSendTimeout(request.limits().remainingMs() + 1_000);
        return vertx.eventBus().<ProviderReply>request(LoopAffinity.resolve(vertx, providerAddress), request, opts).compose(m -> {
            ProviderReply reply = m.body();
            return reply.failure() != null ? Future.failedFuture(reply.failure()) : Future.succeededFuture(reply.completion());
        });
    }

    /**
     * Opens a stream. The future completes with the first chunk, or fails (with an {@link UpstreamFailure}) if the
     * attempt fails before one arrives, so the caller can still fail over invisibly.
     */
    public Future<UpstreamStream> stream(String providerAddress, RequestBuilder request, Consumer<Runnable> onCancel) {
        String address = "gw.stream." + STREAM_IDS.incrementAndGet();
        UpstreamStream stream = new UpstreamStream(vertx, address);
        onCancel.accept(stream::cancel);
        vertx.eventBus().send(LoopAffinity.resolve(vertx, providerAddress), request.build(address), LOCAL);
        return stream.opened();
    }

    /** Builds the request once the stream address is known. */
    @FunctionalInterface
    public interface RequestBuilder {
        ProviderRequest build(String streamAddress);
    }
}
