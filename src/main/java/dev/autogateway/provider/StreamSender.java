package dev.autogateway.provider;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The provider side of a stream over the event bus. At most {@link #WINDOW} chunks are in flight: past that the
 * sender asks its source to pause (so a slow client slows the upstream read instead of filling memory), and
 * resumes it as the receiver returns credits. Exactly one {@code end} or {@code fail} reaches the receiver.
 */
public final class StreamSender {
    static final int WINDOW = 32;
    private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    private final Vertx vertx;
    private final String address;
    private final MessageConsumer<StreamEvent.Control> control;
    private int inFlight;
    private boolean paused;
    private boolean done;
    private Runnable pauseHandler = () -> {};
    private Runnable resumeHandler = () -> {};
    private Runnable cancelHandler = () -> {};

    public StreamSender(Vertx vertx, String address) {
        this.vertx = vertx;
        this.address = address;
        this.control = vertx.eventBus().localConsumer(address + ".ctl", m -> onControl(m.body()));
    }

    public StreamSender pauseHandler(Runnable h) {
        this.pauseHandler = h;
        return this;
    }

    public StreamSender resumeHandler(Runnable h) {
        this.resumeHandler = h;
        return this;
    }

    /** Called when the client went away or the request's budget ran out: stop the upstream work. */
    public StreamSender cancelHandler(Runnable h) {
        this.cancelHandler = h;
        return this;
    }

    public boolean isDone() {
        return done;
    }

    /** True while the receiver has room: sources that produce on their own (not from a socket) check it. */
    public boolean writable() {
        return !paused && !done;
    }

    public void chunk(JsonObject chunk) {
        chunk(chunk, null);
    }

    /** A chunk with the upstream's own bytes for it, when they encode it exactly (see {@link StreamEvent.Chunk}). */
    public void chunk(JsonObject chunk, Buffer data) {
        if (done) {
            return;
        }
        vertx.eventBus().send(address, new StreamEvent.Chunk(chunk, data), LOCAL);
        if (++inFlight >= WINDOW && !paused) {
            paused = true;
            pauseHandler.run();
        }
    }

    public void end() {
        end(0);
    }

    public void end(int malformedEvents) {
        finish(new StreamEvent.End(malformedEvents));
    }

    public void fail(UpstreamFailure failure) {
        finish(new StreamEvent.Failed(failure));
    }

    private void finish(StreamEvent last) {
        if (done) {
            return;
        }
        done = true;
        control.unregister();
        vertx.eventBus().send(address, last, LOCAL);
    }

    private void onControl(StreamEvent.Control c) {
        if (c.cancel()) {
            if (!done) {
                done = true;
                control.unregister();
                cancelHandler.run();
            }
            return;
        }
        inFlight -= c.credits();
        if (paused && inFlight < WINDOW && !done) {
            paused = false;
            resumeHandler.run();
        }
    }
}
