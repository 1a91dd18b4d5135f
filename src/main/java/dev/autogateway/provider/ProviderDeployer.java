package dev.autogateway.provider;

import dev.autogateway.config.ProviderConfig;
import dev.autogateway.config.ProviderType;
import dev.autogateway.provider.echo.EchoVerticle;
import dev.autogateway.provider.google.GeminiVerticle;
import dev.autogateway.provider.openai.OpenAiCompatibleVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/**
 * Deploys one verticle per configured provider, with one instance per core so no single event loop serves all.
 * Each config generation (see hot reload) gets addresses of its own.
 */
public final class ProviderDeployer {
    /** The deployment config key that tells a provider verticle its event-bus address. */
    static final String ADDRESS = "address";

    private ProviderDeployer() {}

    public static String address(int generation, String provider) {
        return "gw.provider." + generation + "." + provider;
    }

    public static Future<List<String>> deployAll(Vertx vertx, List<ProviderConfig> providers, int instances, int generation) {
        List<Future<String>> deployments = providers.stream()
                .map(p -> deploy(vertx, p, new DeploymentOptions().setInstances(instances)
                        .setConfig(new JsonObject().put(ADDRESS, address(generation, p.name())))))
                .toList();
        return Future.all(deployments).map(cf -> deployments.stream().map(Future::result).toList());
    }

    private static Future<String> deploy(Vertx vertx, ProviderConfig p, DeploymentOptions options) {
        if (p.type() == ProviderType.GOOGLE) {
            // The SDK blocks: worker instances with pools of their own, sharing one SDK client per key.
            return GeminiVerticle.deploy(vertx, p, p.instances() > 0 ? new DeploymentOptions(options).setInstances(p.instances()) : options);
        }
        Supplier<ProviderVerticle> factory = switch (p.type()) {
            case OPENAI_COMPATIBLE -> () -> new OpenAiCompatibleVerticle(p);
            case ECHO -> () -> new EchoVerticle(p);
            case GOOGLE -> throw new AssertionError("deployed above");
        };
        return vertx.deployVerticle(factory, options);
    }
}
