package dev.autogateway.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/**
 * One validated provider entry of {@code providers[]}. API keys are already expanded from the environment.
 *
 * @param apiVersion {@code google} only: the Gemini API version in the request path (null for other types)
 * @param workers {@code google} only: how many Gemini calls of this provider may be in flight at once, each holding a
 *     worker thread for its whole duration because the SDK blocks (0 for other types)
 * @param instances {@code google} only: how many worker verticle instances serve the provider; 0 for one per core
 */
public record ProviderConfig(
        String name,
        ProviderType type,
        URI baseUrl,
        List<ApiKey> keys,
        List<ModelSpec> models,
        JsonObject extraBody,
        long delayMs,
        String apiVersion,
        int workers,
        int instances) {

    /** The seed's alias semantics: strict pins the aliased key (or skips the provider); loose puts it first. */
    public List<ApiKey> keysFor(String alias, boolean strict) {
        if (alias == null) {
            return keys;
        }
        ApiKey aliased = keys.stream().filter(k -> alias.equals(k.alias())).findFirst().orElse(null);
        if (aliased == null) {
            return strict ? List.of() : keys;
        }
        if (strict) {
            return List.of(aliased);
        }
        var ordered = new java.util.ArrayList<ApiKey>(keys.size());
        ordered.add(aliased);
        keys.stream().filter(k -> k != aliased).forEach(ordered::add);
        return ordered;
    }
}
