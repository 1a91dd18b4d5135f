package dev.autogateway.cli;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ZeroConfig;
import dev.autogateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "start", description = "Start the gateway. Flags override the config file.")
final class StartCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(StartCommand.class);
    private static volatile boolean serving;

    @Mixin
    ConfigOption config;

    @Option(names = "--host", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = {"-p", "--port"}, description = "Port to listen on (default 8000).")
    Integer port;

    @Option(names = "--socket", description = "Listen on this UNIX domain socket instead of TCP.")
    String socket;

    @Option(names = "--tunnel", description = "none, ngrok or cloudflared (default none).")
    String tunnel;

    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() {
        ConfigSource source = config.source();
        GatewayConfig cfg;
        try {
            cfg = withFlags(source.load(System.getenv()));
        } catch (ConfigException e) {
            return Errors.report(source, e);
        }
        if (!"none".equals(cfg.server().tunnel())) {
            System.err.println("ERROR: --tunnel " + cfg.server().tunnel() + " is not supported yet in this build; use --tunnel none.");
            return Errors.BAD_CONFIG;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(false));
        Gateway gateway;
        try {
            gateway = Gateway.start(vertx, cfg).await();
        } catch (Exception e) {
            LOG.error("could not start: {}", e.getMessage());
            vertx.close();
            return 1;
        }
        Gateway running = gateway;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: draining in-flight requests for up to {} ms", cfg.server().drainTimeoutMs());
            running.stop().eventually(vertx::close).await();
            LOG.info("stopped");
        }, "shutdown"));
        if (source.file() == null && ZeroConfig.isEchoOnly(cfg)) {
            LOG.warn("No config file and no OPENAI_API_KEY: serving the built-in 'echo' provider only."
                    + " Pass --config config.json to route to real providers.");
        }
        LOG.info("config: {}", source.description());
        LOG.info("{} listening on {} ({} provider(s), strategy {})", VersionCommand.version(),
                gateway.socketPath() != null ? "unix:" + gateway.socketPath() : "http://" + cfg.server().host() + ":" + gateway.port(),
                cfg.providers().size(), cfg.router().strategy());
        serving = true;
        return 0;
    }

    private GatewayConfig withFlags(GatewayConfig cfg) {
        var s = cfg.server();
        if (host != null) {
            s = s.withHost(host);
        }
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new ConfigException("--port: must be between 0 and 65535, got " + port);
            }
            s = s.withPort(port);
        }
        if (socket != null) {
            s = s.withSocketPath(socket);
        }
        if (tunnel != null) {
            if (!tunnel.equals("none") && !tunnel.equals("ngrok") && !tunnel.equals("cloudflared")) {
                throw new ConfigException("--tunnel: must be one of none, ngrok, cloudflared, got '" + tunnel + "'");
            }
            s = s.withTunnel(tunnel);
        }
        return cfg.withServer(s);
    }
}
