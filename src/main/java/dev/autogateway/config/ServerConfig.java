package dev.autogateway.config;

import java.util.List;

/** The {@code server} section. {@code apiKeys} empty means no client authentication. */
public record ServerConfig(String host, int port, String socketPath, String tunnel, List<String> apiKeys, long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, socketPath, tunnel, apiKeys, maxBodyBytes);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, socketPath, tunnel, apiKeys, maxBodyBytes);
    }

    public ServerConfig withTunnel(String t) {
        return new ServerConfig(host, port, socketPath, t, apiKeys, maxBodyBytes);
    }
}
