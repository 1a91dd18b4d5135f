package dev.autogateway.provider;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The HTTP side of a stream from a provider verticle. It is handed out once the first chunk has arrived, which is
 * the point past which a failure can no longer be hidden from the client. Call {@link #consumed()} when a chunk
 * has been written out, so the provider may send more.
 */
public final class UpstreamStream {
    private static final int CREDIT_BATCH = StreamSender.WINDOW / 4;
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final Vertx vertx;
    private final String controlAddress;
    private final MessageConsumer<StreamEvent> consumer;
    private final JsonObject first;
    private Consumer<JsonObject> chunkHandler;
    private Runnable endHandler;
    private Consumer<UpstreamFailure> failureHandler;
    private int uncredited;
    private boolean finished;

    UpstreamStream(Vertx vertx, String address, MessageConsumer<StreamEvent> consumer, JsonObject first) {
        this.vertx = vertx;
        this.controlAddress = address + ".ctl";
        this.consumer = consumer;
        this.first = first;
    }

    public JsonObject first() {
        return first;
    }

    /** Starts delivering the events that follow the first chunk. */
    public void start(Consumer<JsonObject> onChunk, Runnable onEnd, Consumer<UpstreamFailure> onFailure) {
        this.chunkHandler = onChunk;
        this.endHandler = onEnd;
        this.failureHandler = onFailure;
        consumer.handler(m -> dispatch(m.body()));
        consumer.resume();
    }

    private void dispatch(StreamEvent event) {
        if (finished) {
            return;
        }
        if (event instanceof StreamEvent.Chunk c) {
            chunkHandler.accept(c.json());
        } else if (event instanceof StreamEvent.Failed f) {
            finish(() -> failureHandler.accept(f.failure()));
        } else {
            finish(endHandler);
        }
    }

    private void finish(Runnable then) {
        finished = true;
        consumer.unregister();
        then.run();
    }

    public void consumed() {
        if (++uncredited >= CREDIT_BATCH && !finished) {
            vertx.eventBus().send(controlAddress, new StreamEvent.Control(uncredited), LOCAL);
            uncredited = 0;
        }
    }

    /** Stops the provider's upstream work; no handler is called after this. */
    public void cancel() {
        if (!finished) {
            finished = true;
            consumer.unregister();
            vertx.eventBus().send(controlAddress, StreamEvent.Control.CANCEL, LOCAL);
        }
    }
}
