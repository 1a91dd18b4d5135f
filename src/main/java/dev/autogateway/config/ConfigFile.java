package dev.autogateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The file's shape as Jackson binds it (snake_case keys, nothing validated yet). Fields whose JSON type varies
 * by design ({@code api_key}, {@code models}, {@code extra_body}) stay {@link JsonNode} for the validator.
 */
record ConfigFile(Server server, Router router, List<Provider> providers, Cluster cluster, JsonNode extra) {

    record Cluster(Boolean enabled, String name, String host, Integer port, List<String> members) {}

    record Server(
            String host,
            Integer port,
            String socketPath,
            String socketMode,
            String tunnel,
            JsonNode apiKey,
            Long maxBodyBytes,
            Double drainTimeout,
            Double reloadInterval) {}

    record Router(
            String strategy,
            Integer retries,
            Double timeout,
            Double connectTimeout,
            Double firstByteTimeout,
            Double idleTimeout,
            Double attemptTimeout,
            Double retryAfterCap,
            Double authCooldown,
            Double quotaCooldown,
            Integer circuitFailures,
            Double circuitReset,
            Boolean streamRecovery,
            Map<String, List<String>> fallbacks,
            Map<String, List<String>> contextWindowFallbacks,
            String unknownModels,
            Boolean sticky,
            List<String> preferModels,
            List<String> avoidModels,
            String persistencePath,
            Double banditExploration,
            Double banditHalfLife,
            Double probeInterval,
            JsonNode backoff) {}

    record Provider(
            String name,
            String type,
            String baseUrl,
            JsonNode apiKey,
            JsonNode models,
            JsonNode extraBody,
            Long delayMs,
            String apiVersion,
            Integer workers,
            Integer instances) {}
}
