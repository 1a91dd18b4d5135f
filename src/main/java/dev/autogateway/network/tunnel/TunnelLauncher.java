package dev.autogateway.network.tunnel;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ServerConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel {@code server.tunnel} asks for: checked before the gateway starts, started once it listens.
 *
 * <pre>{@code
 * TunnelLauncher tunnels = TunnelLauncher.of(cfg, allowPublicWithoutAuth, System.getenv()); // before Gateway.start
 * Tunnel tunnel = tunnels.start(vertx, gateway.port()).await();                              // after it listens
 * }</pre>
 */
public final class TunnelLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelLauncher.class);

    private final String kind;
    private final TunnelSettings settings;
    private final String host;
    private final boolean open;

    private TunnelLauncher(String kind, TunnelSettings settings, String host, boolean open) {
        this.kind = kind;
        this.settings = settings;
        this.host = host;
        this.open = open;
    }

    /**
     * @param allowPublicWithoutAuth {@code --allow-public-without-auth}: a tunnel makes the gateway reachable from the
     *     whole internet, and with no {@code server.api_key} anyone who finds the URL spends the providers' keys
     * @throws ConfigException for bad {@code extra.tunnels} keys, or a tunnel that must not be started
     */
    public static TunnelLauncher of(GatewayConfig cfg, boolean allowPublicWithoutAuth, Map<String, String> env) {
        TunnelSettings settings = TunnelSettings.parse(cfg.extra(), env);
        ServerConfig s = cfg.server();
        String kind = s.tunnel() == null ? "none" : s.tunnel();
        boolean open = s.apiKeys() == null || s.apiKeys().isEmpty();
        if (!kind.equals("none")) {
            List<String> problems = new ArrayList<>();
            if (s.socketPath() != null) {
                problems.add("server.tunnel: " + kind + " forwards to a TCP port and cannot be used with server.socket_path");
            }
            if (open && !allowPublicWithoutAuth) {
                problems.add("server.tunnel: " + kind + " makes the gateway reachable from the internet and server.api_key"
                        + " is not set; set server.api_key, or pass --allow-public-without-auth to expose it anyway");
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
        return new TunnelLauncher(kind, settings, localHost(s.host()), open);
    }

    /**
     * Runs the agent towards the gateway on {@code port}; completes with {@link Tunnel#NONE} when no tunnel is asked
     * for, and fails with a {@link TunnelException} when the agent cannot be run or prints no URL in time.
     */
    public Future<Tunnel> start(Vertx vertx, int port) {
        Agent agent = switch (kind) {
            case "cloudflared" -> new Cloudflared(settings.cloudflaredBinary());
            case "ngrok" -> new Ngrok(settings.ngrokBinary(), settings.ngrokAuthtoken());
            default -> null;
        };
        if (agent == null) {
            return Future.succeededFuture(Tunnel.NONE);
        }
        String local = "http://" + host + ":" + port;
        if (open) {
            LOG.warn("{} tunnel without server.api_key: anyone who has the public URL can use the gateway", kind);
        }
        LOG.info("starting {} tunnel to {}", kind, local);
        return TunnelProcess.start(vertx, agent, host, port, settings.timeout())
                .onSuccess(t -> LOG.info("public URL: {} ({} tunnel to {})", t.publicUrl(), kind, local));
    }

    /** Where the agent reaches the gateway: loopback when it listens on every interface. */
    static String localHost(String host) {
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
