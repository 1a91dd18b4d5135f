package dev.autogateway.provider;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The HTTP side of a stream from a provider verticle. It is handed out (by {@link #opened()}) once the first chunk
 * has arrived, which is the point past which a failure can no longer be hidden from the client; until
 * {@link #start} the events after it wait in the paused consumer. Call {@link #consumed()} when a chunk has been
 * written out, so the provider may send more.
 */
public final class UpstreamStream {
    private static final int CREDIT_BATCH = StreamSender.WINDOW / 4;
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final Vertx vertx;
    private final String controlAddress;
    private final MessageConsumer<StreamEvent> consumer;
    private final Promise<UpstreamStream> opened = Promise.promise();
    private StreamEvent.Chunk first;
    private Consumer<StreamEvent.Chunk> chunkHandler;
    private Runnable endHandler;
    private Consumer<UpstreamFailure> failureHandler;
    private int uncredited;
    private int malformedEvents;
    private boolean finished;

    UpstreamStream(Vertx vertx, String address) {
        this.vertx = vertx;
        this.controlAddress = address + ".ctl";
        this.consumer = vertx.eventBus().localConsumer(address, m -> dispatch(m.body()));
    }

    Future<UpstreamStream> opened() {
        return opened.future();
    }

    public StreamEvent.Chunk first() {
        return first;
    }

    /** Starts delivering the events that follow the first chunk. */
    public void start(Consumer<StreamEvent.Chunk> onChunk, Runnable onEnd, Consumer<UpstreamFailure> onFailure) {
        this.chunkHandler = onChunk;
        this.endHandler = onEnd;
        this.failureHandler = onFailure;
        consumer.resume();
    }

    private void dispatch(StreamEvent event) {
        if (finished) {
            return;
        }
        if (first == null) {
            beforeFirstChunk(event);
        } else if (event instanceof StreamEvent.Chunk c) {
            chunkHandler.accept(c);
        } else if (event instanceof StreamEvent.Failed f) {
            finish();
            failureHandler.accept(f.failure());
        } else {
            malformedEvents = ((StreamEvent.End) event).malformedEvents();
            finish();
            endHandler.run();
        }
    }

    private void beforeFirstChunk(StreamEvent event) {
        if (event instanceof StreamEvent.Chunk c) {
            first = c;
            consumer.pause();
            opened.complete(this);
            return;
        }
        finish();
        opened.fail(event instanceof StreamEvent.Failed f ? f.failure()
                : new UpstreamFailure(ErrorClass.STREAM_CUT, "the upstream ended the stream before any event"));
    }

    private void finish() {
        finished = true;
        consumer.unregister();
    }

    /** Unparseable events the provider skipped; known once the stream has ended. */
    public int malformedEvents() {
        return malformedEvents;
    }

    public void consumed() {
        if (++uncredited >= CREDIT_BATCH && !finished) {
            vertx.eventBus().send(controlAddress, new StreamEvent.Control(uncredited), LOCAL);
            uncredited = 0;
        }
    }

    /** Stops the provider's upstream work, whether or not the stream has opened; no handler is called after this. */
    public void cancel() {
        if (!finished) {
            finish();
            vertx.eventBus().send(controlAddress, StreamEvent.Control.CANCEL, LOCAL);
            opened.tryFail(new UpstreamFailure(ErrorClass.TIMEOUT, "cancelled"));
        }
    }
}
