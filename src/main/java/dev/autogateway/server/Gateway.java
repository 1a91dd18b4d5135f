package dev.autogateway.server;

import dev.autogateway.config.GatewayConfig;
import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.provider.LocalCodec;
import dev.autogateway.provider.ProviderDeployer;
import dev.autogateway.routing.Catalog;
import dev.autogateway.routing.Cooldowns;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.Strategy;
import dev.autogateway.routing.TargetHealth;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A running gateway in a Vertx instance: the provider verticles first, then the HTTP verticles, so the server
 * never accepts a request that no provider could take.
 */
public final class Gateway {
    private final Vertx vertx;
    private final List<String> deployments;
    private final int port;

    private final Lifecycle lifecycle;
    private final String socketPath;

    private Gateway(Vertx vertx, List<String> deployments, int port, Lifecycle lifecycle, String socketPath) {
        this.vertx = vertx;
        this.deployments = deployments;
        this.port = port;
        this.lifecycle = lifecycle;
        this.socketPath = socketPath;
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
        GatewayMetrics metrics = new GatewayMetrics(registry);
        TargetHealth health = new TargetHealth(vertx, config.router(), new Cooldowns(System::currentTimeMillis));
        metrics.gauge("gateway_open_circuits", "Targets whose circuit is open or half-open", health::openCircuits);
        FailoverRouter router = new FailoverRouter(vertx, config.router(), new Catalog(config.providers()),
                Strategy.named(config.router().strategy()), health, metrics);
        List<String> ids = new ArrayList<>();
        Lifecycle lifecycle = new Lifecycle();
        String socket = config.server().socketPath();
        int port = socket != null ? -1 : config.server().port() == 0 ? freePort(config.server().host()) : config.server().port();
        return ProviderDeployer.deployAll(vertx, config.providers(), instances)
                .compose(providerIds -> {
                    ids.addAll(providerIds);
                    return socket == null ? Future.succeededFuture() : UnixSocket.prepare(vertx, socket);
                })
                .compose(v -> vertx.deployVerticle(() -> new MainVerticle(config, router, lifecycle, metrics, port),
                        new DeploymentOptions().setInstances(instances)))
                .compose(id -> {
                    ids.add(id);
                    return socket == null ? Future.succeededFuture() : UnixSocket.setMode(vertx, socket, config.server().socketMode());
                })
                .map(v -> new Gateway(vertx, ids, port, lifecycle, socket))
                .onFailure(e -> ids.forEach(vertx::undeploy));
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

    public int port() {
        return port;
    }

    /** The UNIX socket the gateway listens on, or null when it listens on TCP. */
    public String socketPath() {
        return socketPath;
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
        return socketPath == null ? chain : chain.eventually(() -> vertx.fileSystem().delete(socketPath).otherwiseEmpty());
    }
}
