package dev.autogateway.provider;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A non-streaming answer: the OpenAI {@code chat.completion} object, and the upstream's own bytes when they encode
 * exactly that object (an OpenAI-compatible upstream that needed no filling in), so they go to the client as they are.
 *
 * @param bytes null when the object was built or changed here
 */
public record Completion(JsonObject json, Buffer bytes) {

    public static Completion of(JsonObject json) {
        return new Completion(json, null);
    }

    public Buffer toBuffer() {
        return bytes != null ? bytes : json.toBuffer();
    }
}
