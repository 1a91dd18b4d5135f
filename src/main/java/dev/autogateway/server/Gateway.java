package dev.autogateway.server;

import dev.autogateway.cluster.HealthSync;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.provider.LocalCodec;
import dev.autogateway.provider.ProviderDeployer;
import dev.autogateway.routing.Catalog;
import dev.autogateway.routing.Cooldowns;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.Strategy;
import dev.autogateway.routing.TargetHealth;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A running gateway in a Vertx instance: the provider verticles first, then the HTTP verticles, so the server never
 * accepts a request that no provider could take. In a clustered Vertx it also shares routing health with its peers.
 */
public final class Gateway {
    private final Vertx vertx;
    private final GatewayConfig config;
    private final TargetHealth health;
    private final GatewayMetrics metrics;
    private final Lifecycle lifecycle = new Lifecycle();
    private final List<String> deployments = new ArrayList<>();
    private final int port;
    private HealthSync sync;
    private boolean listening;

    private Gateway(Vertx vertx, GatewayConfig config, PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = new GatewayMetrics(registry);
        this.health = new TargetHealth(vertx, config.router(), new Cooldowns(System::currentTimeMillis));
        String socket = config.server().socketPath();
        this.port = socket != null ? -1 : config.server().port() == 0 ? freePort(config.server().host()) : config.server().port();
    }

    public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
        return start(vertx, config, Runtime.getRuntime().availableProcessors());
    }

    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances) {
        return start(vertx, config, instances, GatewayMetrics.newRegistry());
    }

    /** {@code registry} may be the one Vert.x reports into, so /metrics shows both. */
    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances, PrometheusMeterRegistry registry) {
        LocalCodec.registerAll(vertx);
        Gateway gw = new Gateway(vertx, config, registry);
        return gw.deploy(instances).map(gw).recover(e -> gw.stop().transform(v -> Future.failedFuture(e)));
    }

    private Future<Void> deploy(int instances) {
        metrics.gauge("gateway_open_circuits", "Targets whose circuit is open or half-open", health::openCircuits);
        FailoverRouter router = new FailoverRouter(vertx, config.router(), new Catalog(config.providers()),
                Strategy.named(config.router().strategy()), health, metrics);
        String socket = config.server().socketPath();
        return joinCluster()
                .compose(v -> ProviderDeployer.deployAll(vertx, config.providers(), instances))
                .compose(ids -> {
                    deployments.addAll(ids);
                    return socket == null ? Future.succeededFuture() : UnixSocket.prepare(vertx, socket);
                })
                .compose(v -> vertx.deployVerticle(() -> new MainVerticle(config, router, lifecycle, metrics, port),
                        new DeploymentOptions().setInstances(instances)))
                .compose(id -> {
                    deployments.add(id);
                    listening = true;
                    return socket == null ? Future.succeededFuture() : UnixSocket.setMode(vertx, socket, config.server().socketMode());
                });
    }

    private Future<Void> joinCluster() {
        if (!vertx.isClustered()) {
            return Future.succeededFuture();
        }
        return HealthSync.start(vertx, health).map(s -> {
            sync = s;
            return null;
        });
    }

    /**
     * Vert.x shares one listening socket between instances only when they name the same port, so "any free port"
     * (0, used by tests) is resolved once up front.
     */
    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TCP port the gateway listens on, or -1 on a UNIX socket. */
    public int port() {
        return port;
    }

    /** The UNIX socket the gateway listens on, or null when it listens on TCP. */
    public String socketPath() {
        return config.server().socketPath();
    }

    /**
     * Graceful stop: readiness turns false, the HTTP verticles stop accepting and let in-flight requests and streams
     * finish up to {@code server.drain_timeout}, then the providers are undeployed.
     */
    public Future<Void> stop() {
        lifecycle.startDraining();
        List<String> newestFirst = new ArrayList<>(deployments);
        Collections.reverse(newestFirst);
        Future<Void> chain = Future.succeededFuture();
        for (String id : newestFirst) {
            chain = chain.eventually(() -> vertx.undeploy(id));
        }
        if (sync != null) {
            chain = chain.eventually(sync::stop);
        }
        String socket = socketPath();
        return socket == null || !listening ? chain : chain.eventually(() -> vertx.fileSystem().delete(socket).otherwiseEmpty());
    }
}
