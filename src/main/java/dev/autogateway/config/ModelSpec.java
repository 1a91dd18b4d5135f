package dev.autogateway.config;

import java.util.List;
import java.util.Set;

/**
 * A model a provider serves, with its features, the models to fall back to when it fails, and its size limits
 * (0 when unknown). The name {@code *} is a wildcard: it accepts any requested model name and sends that name
 * upstream unchanged (for proxies such as OpenAI itself or OpenRouter).
 */
public record ModelSpec(String name, Set<String> features, List<String> fallbacks, int contextWindow, int maxOutputTokens) {
    public static final String WILDCARD = "*";
    public static final Set<String> KNOWN_FEATURES =
            Set.of("vision", "img2img", "media", "video_vision", "tool_calls", "prefill");

    public static ModelSpec named(String name) {
        return new ModelSpec(name, Set.of(), List.of(), 0, 0);
    }

    public boolean wildcard() {
        return WILDCARD.equals(name);
    }
}
