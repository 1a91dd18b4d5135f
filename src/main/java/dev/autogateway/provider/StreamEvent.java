package dev.autogateway.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** What a provider verticle sends to a stream's address: chunks, then exactly one end or failure. */
public sealed interface StreamEvent {
    /**
     * One {@code chat.completion.chunk}; {@code data} is the upstream's own SSE data bytes when they encode
     * {@code json} exactly (nothing was filled in), so they can go to the client without a JSON encode; else null.
     */
    record Chunk(JsonObject json, Buffer data) implements StreamEvent {}

    /** @param malformedEvents unparseable events the provider skipped in this otherwise good stream */
    record End(int malformedEvents) implements StreamEvent {}

    record Failed(UpstreamFailure failure) implements StreamEvent {}

    /** Sent back by the receiver on {@code address + ".ctl"}: credits for consumed chunks, or a cancel. */
    record Control(int credits) implements StreamEvent {
        static final Control CANCEL = new Control(-1);

        boolean cancel() {
            return credits < 0;
        }
    }
}
