package dev.autogateway.cli;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ZeroConfig;
import dev.autogateway.network.tunnel.Tunnel;
import dev.autogateway.network.tunnel.TunnelLauncher;
import dev.autogateway.server.ConfigReloader;
import dev.autogateway.server.Gateway;
import java.nio.file.Path;
import sun.misc.Signal;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.autogateway.cluster.ClusterNode;
import dev.autogateway.metrics.GatewayMetrics;
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

    @Option(names = "--cluster", description = "Run clustered with the instances in the config's cluster section.")
    boolean cluster;

    @Option(names = "--socket", description = "Listen on this UNIX domain socket instead of TCP.")
    String socket;

    @Option(names = "--tunnel", description = "none, ngrok or cloudflared (default none).")
    String tunnel;

    @Option(names = "--allow-public-without-auth",
            description = "Start --tunnel even though server.api_key is not set: anyone with the URL can use the gateway.")
    boolean allowPublicWithoutAuth;

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
        TunnelLauncher tunnels;
        try {
            tunnels = TunnelLauncher.of(cfg, allowPublicWithoutAuth, System.getenv());
        } catch (ConfigException e) {
            return Errors.report(source, e);
        }
        PrometheusMeterRegistry registry = GatewayMetrics.newRegistry();
        Vertx vertx;
        try {
            vertx = startVertx(cfg, registry);
        } catch (Exception e) {
            LOG.error("could not join the cluster: {}", e.getMessage());
            return 1;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(vertx, cfg, Runtime.getRuntime().availableProcessors(), registry).await();
        } catch (Exception e) {
            LOG.error("could not start: {}", e.getMessage());
            vertx.close();
            return 1;
        }
        Tunnel publicTunnel;
        try {
            publicTunnel = tunnels.start(vertx, gateway.port()).await();
        } catch (Exception e) {
            LOG.error("could not start the {} tunnel: {}", cfg.server().tunnel(), e.getMessage());
            gateway.stop().eventually(vertx::close).await();
            return 1;
        }
        if (source.file() != null) {
            watchConfig(vertx, gateway, source.file(), cfg.server().reloadIntervalMs());
        }
        Gateway running = gateway;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down: draining in-flight requests for up to {} ms", cfg.server().drainTimeoutMs());
            // The tunnel carries in-flight requests too, so it stops after the drain, not before.
            running.stop().eventually(publicTunnel::stop).eventually(vertx::close).await();
            LOG.info("stopped");
        }, "shutdown"));
        if (source.file() == null && ZeroConfig.isEchoOnly(cfg)) {
            LOG.warn("No config file and no OPENAI_API_KEY: serving the built-in 'echo' provider only."
                    + " Pass --config config.json to route to real providers.");
        }
        LOG.info("config: {}", source.description());
        LOG.info("{} listening on {} ({} provider(s), strategy {}, {} transport)", VersionCommand.version(),
                gateway.socketPath() != null ? "unix:" + gateway.socketPath() : "http://" + cfg.server().host() + ":" + gateway.port(),
                cfg.providers().size(), cfg.router().strategy(), vertx.isNativeTransportEnabled() ? "epoll" : "nio");
        serving = true;
        return 0;
    }

    /** Hot reload: the file is watched (unless its reload_interval is 0) and SIGHUP re-reads it at once. */
    private static void watchConfig(Vertx vertx, Gateway gateway, Path file, long intervalMs) {
        ConfigReloader reloader = ConfigReloader.watch(vertx, gateway, file, System.getenv(), intervalMs).await();
        try {
            Signal.handle(new Signal("HUP"), s -> reloader.reloadNow());
        } catch (IllegalArgumentException unsupported) {
            LOG.debug("SIGHUP is not available on this platform; config reload relies on the file watch");
        }
    }

    /** Vert.x with its metrics in the gateway's registry; clustered over Hazelcast when the config says so. */
    private static Vertx startVertx(GatewayConfig cfg, PrometheusMeterRegistry registry) {
        VertxOptions options = new VertxOptions()
                // epoll on Linux (bundled for x86_64 and aarch64), NIO elsewhere: the same sockets for less CPU.
                .setPreferNativeTransport(true)
                // No verticle has a class loader of its own: setting the thread's on every dispatch buys nothing.
                .setDisableTCCL(true)
                // One event loop per core, and one HTTP and one provider instance on each (see LoopAffinity).
                .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
                // Vert.x's per-request meters (HTTP, TCP, event bus) would double the gateway's own at a real cost
                // per request; its worker-pool meters stay.
                .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
                        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
                        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
                        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
        MicrometerMetricsFactory metrics = new MicrometerMetricsFactory(registry);
        if (!cfg.cluster().enabled()) {
            return Vertx.builder().with(options).withMetrics(metrics).build();
        }
        LOG.info("joining cluster '{}' as {}:{} (members {})", cfg.cluster().name(), cfg.cluster().host(),
                cfg.cluster().port(), cfg.cluster().members());
        return ClusterNode.start(options, metrics, cfg.cluster()).await();
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
        GatewayConfig withServer = cfg.withServer(s);
        return cluster ? withServer.withCluster(cfg.cluster().withEnabled(true)) : withServer;
    }
}
