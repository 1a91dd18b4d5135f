package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The gateway's strategies, all live at once: each request is ordered by {@code router.strategy} or by the one its
 * {@code x-gateway-strategy} header names, and every attempt's outcome feeds the shared {@link HealthStore} once,
 * whichever strategy ordered it, so switching a request to another strategy finds it already informed.
 */
public final class Strategies implements Strategy {
    public static final String HEADER = "x-gateway-strategy";
    public static final List<String> NAMES = List.of("sequential", "adaptive", "bandit");

    private final String defaultName;
    private final Map<String, Strategy> byName;
    private final AdaptiveStrategy adaptive;
    private final HealthStore store;
    private final LongSupplier clock;
    private final long banditHalfLifeMs;

    public Strategies(RouterConfig config, HealthStore store, TargetHealth health, StickySessions sessions,
            LongSupplier clock) {
        this.defaultName = config.strategy();
        this.store = store;
        this.clock = clock;
        this.banditHalfLifeMs = config.banditHalfLifeMs();
        StickySessions sticky = config.sticky() ? sessions : null;
        this.adaptive = new AdaptiveStrategy(config, store, health, sticky, clock);
        this.byName = Map.of(
                "sequential", new SequentialStrategy(),
                "adaptive", adaptive,
                "bandit", new BanditStrategy(config, store, health, sticky, clock));
    }

    @Override
    public List<Target> order(List<Target> candidates, RouteRequest request) {
        String name = request.strategy() == null ? defaultName : request.strategy();
        return byName.getOrDefault(name, byName.get(defaultName)).order(candidates, request);
    }

    @Override
    public void record(Target target, AttemptOutcome outcome) {
        store.record(target, outcome, clock.getAsLong(), banditHalfLifeMs);
    }

    @Override
    public JsonObject describe(Target target) {
        TargetStats s = store.get(target.id());
        long now = clock.getAsLong();
        double preference = adaptive.preference(target);
        double pulls = BanditStrategy.pulls(s, now, banditHalfLifeMs);
        return new JsonObject()
                .put("score", round(AdaptiveStrategy.healthScore(s, now)))
                .put("weight", round(AdaptiveStrategy.weight(s, now, preference)))
                // The bandit's own inputs: its discounted attempt count and success rate.
                .put("bandit_attempts", round(pulls))
                .put("bandit_success_rate", pulls > 0 ? round(BanditStrategy.successRate(s, banditHalfLifeMs)) : null)
                .put("ewma_latency_ms", s.ewmaLatencyMs() > 0 ? round(s.ewmaLatencyMs()) : null)
                .put("ewma_ttft_ms", s.ewmaTtftMs() > 0 ? round(s.ewmaTtftMs()) : null)
                .put("success_rate", s.attempts() == 0 ? null : round(s.successRate()))
                .put("attempts", s.attempts())
                .put("requests_served", s.successes())
                .put("failures", s.failures())
                .put("consecutive_failures", s.consecutiveFailures())
                .put("consecutive_successes", s.consecutiveSuccesses())
                .put("last_error", s.lastError())
                .put("last_success_at", s.lastSuccessMs() == 0 ? null : s.lastSuccessMs())
                .put("last_failure_at", s.lastFailureMs() == 0 ? null : s.lastFailureMs());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
