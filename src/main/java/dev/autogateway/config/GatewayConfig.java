package dev.autogateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A whole validated config: what {@code config.json} says, with defaults filled in. */
public record GatewayConfig(
        ServerConfig server, RouterConfig router, List<ProviderConfig> providers, ClusterConfig cluster, JsonNode extra) {

    public GatewayConfig withServer(ServerConfig s) {
        return new GatewayConfig(s, router, providers, cluster, extra);
    }

    public GatewayConfig withCluster(ClusterConfig c) {
        return new GatewayConfig(server, router, providers, c, extra);
    }
}
