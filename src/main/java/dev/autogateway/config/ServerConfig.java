package dev.autogateway.config;

import java.util.List;

/**
 * The {@code server} section. {@code apiKeys} empty means no client authentication.
 *
 * @param socketPath a UNIX domain socket to listen on instead of TCP, or null
 * @param socketMode the socket file's permissions as rwx symbols (e.g. {@code rw-rw----}), or null for the umask's
 * @param drainTimeoutMs how long a shutdown waits for in-flight requests and streams before it cuts them
 * @param reloadIntervalMs how often the config file is checked for changes; 0 when it is not watched
 */
public record ServerConfig(
        String host,
        int port,
        String socketPath,
        String socketMode,
        String tunnel,
        List<String> apiKeys,
        long maxBodyBytes,
        long drainTimeoutMs,
        long reloadIntervalMs) {
    public static final long DEFAULT_MAX_BODY_BYTES = 20L * 1024 * 1024;

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, socketPath, socketMode, tunnel, apiKeys, maxBodyBytes, drainTimeoutMs, reloadIntervalMs);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, socketPath, socketMode, tunnel, apiKeys, maxBodyBytes, drainTimeoutMs, reloadIntervalMs);
    }

    public ServerConfig withSocketPath(String path) {
        return new ServerConfig(host, port, path, socketMode, tunnel, apiKeys, maxBodyBytes, drainTimeoutMs, reloadIntervalMs);
    }

    public ServerConfig withTunnel(String t) {
        return new ServerConfig(host, port, socketPath, socketMode, t, apiKeys, maxBodyBytes, drainTimeoutMs, reloadIntervalMs);
    }
}
