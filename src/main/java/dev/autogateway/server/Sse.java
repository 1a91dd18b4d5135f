package dev.autogateway.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Server-sent events framing, as OpenAI writes it: {@code data: <json>} and a blank line. */
final class Sse {
    static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
    private static final byte[] PREFIX = "data: ".getBytes();
    private static final byte[] SUFFIX = "\n\n".getBytes();

    private Sse() {}

    static Buffer event(JsonObject json) {
        return event(json.toBuffer());
    }

    /** An event whose data is already encoded JSON. */
    static Buffer event(Buffer json) {
        return Buffer.buffer(json.length() + 8).appendBytes(PREFIX).appendBuffer(json).appendBytes(SUFFIX);
    }
}
