package dev.autogateway.config;

import java.util.List;

/**
 * The {@code cluster} section: several gateway instances share routing health over a Hazelcast-backed Vert.x
 * cluster. Members are found by TCP-IP ({@code members}), never multicast.
 *
 * @param enabled whether to start clustered ({@code start --cluster} sets it too)
 * @param host the address this member binds and announces (cluster and event bus)
 * @param port the Hazelcast member port
 * @param members the other members as {@code host:port}; this member's own address may be listed too
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members) {

    public ClusterConfig withEnabled(boolean on) {
        return new ClusterConfig(on, name, host, port, members);
    }
}
