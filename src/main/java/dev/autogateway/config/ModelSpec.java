package dev.autogateway.config;

import java.util.Set;

/**
 * A model a provider serves, with its features. The name {@code *} is a wildcard: it accepts any requested
 * model name and sends that name upstream unchanged (for proxies such as OpenAI itself or OpenRouter).
 */
public record ModelSpec(String name, Set<String> features) {
    public static final String WILDCARD = "*";
    public static final Set<String> KNOWN_FEATURES =
            Set.of("vision", "img2img", "media", "video_vision", "tool_calls", "prefill");

    public boolean wildcard() {
        return WILDCARD.equals(name);
    }
}
