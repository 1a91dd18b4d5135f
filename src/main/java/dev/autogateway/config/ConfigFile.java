package dev.autogateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The file's shape as Jackson binds it (snake_case keys, nothing validated yet). Fields whose JSON type varies
 * by design ({@code api_key}, {@code models}, {@code extra_body}) stay {@link JsonNode} for the validator.
 */
record ConfigFile(Server server, Router router, List<Provider> providers, JsonNode extra) {

    record Server(String host, Integer port, String socketPath, String tunnel, JsonNode apiKey, Long maxBodyBytes) {}

    record Router(
            String strategy,
            Integer retries,
            Double timeout,
            Double connectTimeout,
            Double firstByteTimeout,
            Double idleTimeout,
            Double authCooldown,
            String unknownModels) {}

    record Provider(
            String name, String type, String baseUrl, JsonNode apiKey, JsonNode models, JsonNode extraBody, Long delayMs) {}
}
