package dev.autogateway.provider;

import dev.autogateway.config.ProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;

/**
 * Serves one configured provider on its event-bus address. Subclasses turn a {@link ProviderRequest} into an
 * upstream call; this class routes replies and stream events back to the caller.
 */
public abstract class ProviderVerticle extends VerticleBase {
    protected final ProviderConfig provider;

    protected ProviderVerticle(ProviderConfig provider) {
        this.provider = provider;
    }

    private String loopAddress;

    @Override
    public Future<?> start() {
        // The address carries the config generation, so a reloaded provider never takes an older one's traffic.
        String address = config().getString(ProviderDeployer.ADDRESS, ProviderDeployer.address(0, provider.name()));
        Future<Void> shared = vertx.eventBus().<ProviderRequest>localConsumer(address, this::handle).completion();
        if (!context.isEventLoopContext()) {
            return shared;
        }
        String local = LoopAffinity.onThisLoop(address);
        return Future.join(shared, vertx.eventBus().<ProviderRequest>localConsumer(local, this::handle).completion())
                .onSuccess(v -> {
                    LoopAffinity.register(vertx, local);
                    loopAddress = local;
                });
    }

    @Override
    public Future<?> stop() {
        if (loopAddress != null) {
            LoopAffinity.unregister(vertx, loopAddress);
        }
        return Future.succeededFuture();
    }

    private void handle(Message<ProviderRequest> message) {
        ProviderRequest request = message.body();
        if (request.stream()) {
            StreamSender sender = new StreamSender(vertx, request.streamAddress());
            try {
                stream(request, sender);
            } catch (RuntimeException e) {
                sender.fail(ErrorClassifier.fromThrowable(e, false));
            }
            return;
        }
        Future<Completion> result;
        try {
            result = complete(request);
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(request.reply()::settle);
    }

    /**
     * One non-streaming call; the result is an OpenAI {@code chat.completion} object. The caller times the attempt:
     * register how to stop the upstream call with {@link Reply#onStop}.
     */
    protected abstract Future<Completion> complete(ProviderRequest request);

    /** One streaming call: OpenAI {@code chat.completion.chunk} objects to the sender, then end or fail. */
    protected abstract void stream(ProviderRequest request, StreamSender sender);
}
