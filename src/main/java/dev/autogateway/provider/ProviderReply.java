package dev.autogateway.provider;

import io.vertx.core.json.JsonObject;

/** The answer to a non-streaming attempt: an OpenAI chat completion, or why there is none. */
public record ProviderReply(JsonObject completion, UpstreamFailure failure) {}
