package dev.autogateway.server;

import dev.autogateway.config.GatewayConfig;
import dev.autogateway.provider.LocalCodec;
import dev.autogateway.provider.ProviderDeployer;
import dev.autogateway.routing.Catalog;
import dev.autogateway.routing.Cooldowns;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.Strategy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A running gateway in a Vertx instance: the provider verticles first, then the HTTP verticles, so the server
 * never accepts a request that no provider could take.
 */
public final class Gateway {
    private final Vertx vertx;
    private final List<String> deployments;
    private final int port;

    private Gateway(Vertx vertx, List<String> deployments, int port) {
        this.vertx = vertx;
        this.deployments = deployments;
        this.port = port;
    }

    public static Future<Gateway> start(Vertx vertx, GatewayConfig config) {
        return start(vertx, config, Runtime.getRuntime().availableProcessors());
    }

    public static Future<Gateway> start(Vertx vertx, GatewayConfig config, int instances) {
        LocalCodec.registerAll(vertx);
        FailoverRouter router = new FailoverRouter(vertx, config.router(), new Catalog(config.providers()),
                Strategy.named(config.router().strategy()), new Cooldowns(System::currentTimeMillis));
        List<String> ids = new ArrayList<>();
        int port = config.server().port() == 0 ? freePort(config.server().host()) : config.server().port();
        return ProviderDeployer.deployAll(vertx, config.providers(), instances)
                .compose(providerIds -> {
                    ids.addAll(providerIds);
                    return vertx.deployVerticle(() -> new MainVerticle(config, router, port),
                            new DeploymentOptions().setInstances(instances));
                })
                .map(id -> {
                    ids.add(id);
                    return new Gateway(vertx, ids, port);
                })
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

    public Future<Void> stop() {
        List<String> newestFirst = new ArrayList<>(deployments);
        java.util.Collections.reverse(newestFirst);
        Future<Void> chain = Future.succeededFuture();
        for (String id : newestFirst) {
            chain = chain.eventually(() -> vertx.undeploy(id));
        }
        return chain;
    }
}
