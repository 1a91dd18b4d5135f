package dev.autogateway.provider;

import dev.autogateway.config.ApiKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * One attempt, as the HTTP side hands it to a provider verticle over the event bus (by reference, through
 * {@link LocalCodec}). {@link #fields} is the client's request minus the gateway's own extras, built on first use
 * (a request whose bytes go upstream as they are may never need it); it is shared between attempts and must not be
 * mutated. {@code body} is bytes that encode the fields with this target's model (the client's own, or them with
 * only the model replaced), so they can go upstream as they are; null when the provider must write the fields.
 * {@code streamAddress} is set for streaming attempts, {@code reply} for the others.
 */
public record ProviderRequest(
        String requestId,
        String model,
        ApiKey key,
        Supplier<JsonObject> lazyFields,
        Buffer body,
        JsonObject extraBody,
        boolean stream,
        boolean includeUsage,
        Limits limits,
        String streamAddress,
        Reply reply) {

    public JsonObject fields() {
        return lazyFields.get();
    }
}
