package dev.autogateway.provider;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/** How the HTTP side calls a provider verticle over the event bus. */
public final class ProviderClient {
    private static final AtomicLong STREAM_IDS = new AtomicLong();

    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final Vertx vertx;
    private final Map<String, MessageProducer<ProviderRequest>> senders = new ConcurrentHashMap<>();

    public ProviderClient(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * One non-streaming attempt, answered through its {@link Reply}. Its timer ends it at {@code attempt_timeout} or
     * the budget whatever the provider does, so no request waits forever; an address no provider serves (any more)
     * fails it at once. {@code onCancel} gets how to end it early (the client left), which also stops the upstream
     * call: nobody pays for an answer nobody reads.
     */
    public Future<Completion> complete(String providerAddress, Function<Reply, ProviderRequest> request,
            Consumer<Runnable> onCancel) {
        ContextInternal caller = (ContextInternal) vertx.getOrCreateContext();
        Reply reply = new Reply(caller);
        ProviderRequest r = request.apply(reply);
        reply.timedBy(r.limits().armAttemptTimer(caller, reply::fail));
        onCancel.accept(() -> reply.fail(new UpstreamFailure(ErrorClass.TIMEOUT, "cancelled")));
        senders.computeIfAbsent(LoopAffinity.resolve(vertx, providerAddress), a -> vertx.eventBus().sender(a, LOCAL))
                .write(r)
                .onFailure(e -> reply.fail(ErrorClassifier.fromThrowable(e, false)));
        return reply.future();
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
