package dev.autogateway.server;

import dev.autogateway.cluster.HealthSync;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ServerConfig;
import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.provider.LocalCodec;
import dev.autogateway.provider.ProviderDeployer;
import dev.autogateway.routing.Catalog;
import dev.autogateway.routing.Cooldowns;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.HealthStore;
import dev.autogateway.routing.StickySessions;
import dev.autogateway.routing.Strategies;
import dev.autogateway.routing.StrategyVerticle;
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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway in a Vertx instance: the provider verticles first, then the HTTP verticles, so the server never
 * accepts a request that no provider could take. In a clustered Vertx it also shares routing health with its peers.
 */
public final class Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Vertx vertx;
    private final GatewayConfig startConfig;
    private final int instances;
    private final TargetHealth health;
    private final Cooldowns cooldowns = new Cooldowns(System::currentTimeMillis);
    /** What the learning strategies know; outlives config generations, so a reload forgets nothing. */
    private final HealthStore store;
    private final StickySessions sessions = new StickySessions();
    private String strategyDeployment;
    private final GatewayMetrics metrics;
    private final Lifecycle lifecycle = new Lifecycle();
    private final List<String> serverDeployments = new ArrayList<>();
    private final int port;
    private volatile Routing routing;
    private HealthSync sync;
    private boolean listening;

    private Gateway(Vertx vertx, GatewayConfig config, int instances, PrometheusMeterRegistry registry) {
        this.vertx = vertx;
        this.startConfig = config;
        this.instances = instances;
        this.metrics = new GatewayMetrics(registry);
        this.health = new TargetHealth(vertx, config.router(), cooldowns);
        this.store = HealthStore.local(vertx, "auto-gateway.targets");
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
        Gateway gw = new Gateway(vertx, config, instances, registry);
        return gw.deploy().map(gw).recover(e -> gw.stop().transform(v -> Future.failedFuture(e)));
    }

    private Future<Void> deploy() {
        metrics.gauge("gateway_open_circuits", "Targets whose circuit is open or half-open", health::openCircuits);
        String socket = startConfig.server().socketPath();
        return joinCluster()
                .compose(v -> vertx.deployVerticle(new StrategyVerticle(store, cooldowns, sessions,
                        startConfig.router().persistencePath(), System::currentTimeMillis)))
                .compose(id -> {
                    strategyDeployment = id;
                    return generation(0, startConfig);
                })
                .compose(r -> {
                    routing = r;
                    return socket == null ? Future.succeededFuture() : UnixSocket.prepare(vertx, socket);
                })
                .compose(v -> vertx.deployVerticle(() -> new MainVerticle(startConfig.server(), this::routing, lifecycle, metrics, port),
                        new DeploymentOptions().setInstances(instances)))
                .compose(id -> {
                    serverDeployments.add(id);
                    listening = true;
                    return socket == null ? Future.succeededFuture() : UnixSocket.setMode(vertx, socket, startConfig.server().socketMode());
                });
    }

    Routing routing() {
        return routing;
    }

    /**
     * Deploys a config generation's provider verticles and builds its router. Its strategies are new (they read the
     * new settings) but learn into the same store, so nothing learned is lost.
     */
    private Future<Routing> generation(int generation, GatewayConfig config) {
        Strategies strategy = new Strategies(config.router(), store, health, sessions, System::currentTimeMillis);
        FailoverRouter router = new FailoverRouter(vertx, config.router(), new Catalog(config.providers()), strategy, health,
                metrics, generation);
        return ProviderDeployer.deployAll(vertx, config.providers(), instances, generation)
                .map(ids -> Routing.of(generation, config, router, ids));
    }

    /**
     * Applies a new config without a restart: providers, keys, models, router settings and client keys. Requests in
     * flight finish on the generation they started on, whose providers are undeployed after the drain timeout. The
     * listening address, body limit, drain timeout and cluster settings need a restart and are kept.
     */
    public Future<Void> reload(GatewayConfig next) {
        Routing old = routing;
        ServerConfig keep = startConfig.server();
        ServerConfig s = next.server();
        // Of the server settings only the client keys apply without a restart: the rest are kept as they were.
        ServerConfig kept = new ServerConfig(keep.host(), keep.port(), keep.socketPath(), keep.socketMode(),
                keep.tunnel(), s.apiKeys(), keep.maxBodyBytes(), keep.drainTimeoutMs(), keep.reloadIntervalMs());
        if (!kept.equals(s) || !next.cluster().equals(startConfig.cluster())) {
            LOG.warn("config reload: server settings other than api_key, and cluster changes, need a restart;"
                    + " keeping the running ones");
        }
        GatewayConfig applied = next.withServer(kept).withCluster(startConfig.cluster());
        health.reconfigure(applied.router());
        return generation(old.generation() + 1, applied).map(r -> {
            routing = r;
            vertx.setTimer(Math.max(1, keep.drainTimeoutMs()), t -> undeploy(old.providerDeployments()));
            LOG.info("config reloaded (generation {}): {} provider(s), strategy {}", r.generation(),
                    applied.providers().size(), applied.router().strategy());
            return null;
        });
    }

    private Future<Void> undeploy(List<String> ids) {
        Future<Void> chain = Future.succeededFuture();
        for (String id : ids) {
            chain = chain.eventually(() -> vertx.undeploy(id));
        }
        return chain;
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
        return startConfig.server().socketPath();
    }

    /**
     * Graceful stop: readiness turns false, the HTTP verticles stop accepting and let in-flight requests and streams
     * finish up to {@code server.drain_timeout}, then the providers are undeployed.
     */
    public Future<Void> stop() {
        lifecycle.startDraining();
        Future<Void> chain = undeploy(serverDeployments);
        if (strategyDeployment != null) {
            // After the HTTP side, so the state saved at stop has every outcome of the drained requests.
            chain = chain.eventually(() -> vertx.undeploy(strategyDeployment));
        }
        Routing r = routing;
        if (r != null) {
            chain = chain.eventually(() -> undeploy(r.providerDeployments()));
        }
        if (sync != null) {
            chain = chain.eventually(sync::stop);
        }
        String socket = socketPath();
        return socket == null || !listening ? chain : chain.eventually(() -> vertx.fileSystem().delete(socket).otherwiseEmpty());
    }
}
