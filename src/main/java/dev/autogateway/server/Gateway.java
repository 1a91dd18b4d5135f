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
        return ProviderDeployer.deployAll(vertx, config.providers(), instances).compose(providerIds -> {
            ids.addAll(providerIds);
            // The first instance binds (port 0 picks a free one); the others then share that actual port.
            MainVerticle first = new MainVerticle(config, router, config.server().port());
            return vertx.deployVerticle(first).compose(id -> {
                ids.add(id);
                int port = first.actualPort();
                if (instances <= 1) {
                    return Future.succeededFuture(port);
                }
                return vertx.deployVerticle(() -> new MainVerticle(config, router, port),
                        new DeploymentOptions().setInstances(instances - 1)).map(id2 -> {
                            ids.add(id2);
                            return port;
                        });
            });
        }).map(port -> new Gateway(vertx, ids, port));
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
