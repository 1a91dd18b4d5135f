package dev.autogateway.server;

import dev.autogateway.config.GatewayConfig;
import dev.autogateway.routing.FailoverRouter;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One config generation: everything a request reads that a reload may change, swapped whole so a request sees one
 * generation from start to end. Built once per reload, never per request.
 */
record Routing(int generation, GatewayConfig config, FailoverRouter router, List<String> providerDeployments,
        Buffer models, List<byte[]> clientKeys) {

    static Routing of(int generation, GatewayConfig config, FailoverRouter router, List<String> providerDeployments) {
        return new Routing(generation, config, router, providerDeployments, ModelsHandler.list(config.providers()),
                config.server().apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList());
    }
}
