package dev.autogateway.routing;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.RouterConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Targets a, b, c, ... (one echo provider each, model "m") with a fake clock, real {@link TargetHealth} on
 * {@link ClockedCircuits}, and an in-memory store: what strategy unit tests need, with no sleeping.
 */
final class RoutingFixture {
    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    final LongSupplier clock = now::get;
    final RouterConfig config;
    final List<Target> targets;
    final TargetHealth health;
    final HealthStore store = HealthStore.inMemory();
    final StickySessions sessions = new StickySessions();

    RoutingFixture(String routerJson, String... names) {
        JsonArray providers = new JsonArray();
        for (String n : names) {
            providers.add(new JsonObject().put("name", n).put("type", "echo").put("api_key", "sk-" + n)
                    .put("models", new JsonArray().add("m")));
        }
        GatewayConfig cfg = ConfigLoader.parse(new JsonObject().put("router", new JsonObject(routerJson))
                .put("providers", providers).encode(), Map.of());
        config = cfg.router();
        targets = new Catalog(cfg.providers()).candidates(new RouteRequest(ModelQuery.parse("m"), null, null, true));
        SplittableRandom random = new SplittableRandom(1);
        health = new TargetHealth(config, new Cooldowns(clock), new ClockedCircuits(() -> config, clock), () -> random);
    }

    Target t(String provider) {
        return targets.stream().filter(t -> t.provider().name().equals(provider)).findFirst().orElseThrow();
    }

    void advance(long ms) {
        now.addAndGet(ms);
    }

    AdaptiveStrategy adaptive() {
        return new AdaptiveStrategy(config, store, health, sessions, clock);
    }

    BanditStrategy bandit() {
        return new BanditStrategy(config, store, health, sessions, clock);
    }

    static RouteRequest request() {
        return new RouteRequest(ModelQuery.parse("m"), null, null, true);
    }

    static RouteRequest session(String key) {
        return new RouteRequest(ModelQuery.parse("m"), null, null, true, RequestNeeds.NONE, key, null);
    }

    List<String> order(Strategy s, RouteRequest r) {
        return s.order(targets, r).stream().map(t -> t.provider().name()).toList();
    }

    void succeed(Strategy s, String provider, long latencyMs) {
        s.record(t(provider), AttemptOutcome.success(latencyMs, latencyMs));
        health.onSuccess(t(provider));
    }

    void fail(Strategy s, String provider, dev.autogateway.provider.ErrorClass c) {
        s.record(t(provider), AttemptOutcome.failure(c, 100));
        health.onFailure(t(provider), new dev.autogateway.provider.UpstreamFailure(c, c.wireName()));
    }
}
