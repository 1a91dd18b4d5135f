package dev.autogateway.provider;

/** The answer to a non-streaming attempt: an OpenAI chat completion, or why there is none. */
public record ProviderReply(Completion completion, UpstreamFailure failure) {}
