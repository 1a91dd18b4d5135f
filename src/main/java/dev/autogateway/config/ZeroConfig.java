package dev.autogateway.config;

import java.util.Map;

/**
 * The config used when there is no file at all: an OpenAI provider when {@code OPENAI_API_KEY} is set, else the
 * built-in echo provider, so that {@code start} always answers.
 */
public final class ZeroConfig {
    private ZeroConfig() {}

    public static GatewayConfig fromEnv(Map<String, String> env) {
        String json;
        if (env.getOrDefault("OPENAI_API_KEY", "").isBlank()) {
            json = """
                {"providers":[{"name":"echo","type":"echo","models":{"echo":["vision","tool_calls"],"*":["vision","tool_calls"]}}]}""";
        } else {
            json = """
                {"providers":[{"name":"openai","type":"openai_compatible","base_url":"%s",
                  "api_key":"${OPENAI_API_KEY}","models":{"gpt-4o-mini":["vision","tool_calls"],"*":["vision","tool_calls"]}}]}"""
                    .formatted(env.getOrDefault("OPENAI_BASE_URL", ConfigValidator.DEFAULT_OPENAI_BASE_URL));
        }
        return ConfigLoader.parse(json, env);
    }

    public static boolean isEchoOnly(GatewayConfig config) {
        return config.providers().stream().allMatch(p -> p.type() == ProviderType.ECHO);
    }
}
