package dev.autogateway.provider;

import dev.autogateway.openai.Tokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A non-streaming answer, encoded: the OpenAI {@code chat.completion} object the client gets, and the usage it
 * reports. An OpenAI-compatible upstream's answer that needed nothing filled in is its own bytes, never decoded.
 */
public record Completion(Buffer bytes, Tokens tokens) {

    public static Completion of(JsonObject json) {
        return new Completion(json.toBuffer(), Tokens.of(json));
    }
}
