package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The original's adaptive strategy: each target's health score (success rate, latency, stability, recency: 40/30/20/10)
 * picks a weight band, adjusted for latency and streaks, and targets go best weight first. Constants and formulas
 * are the original's (seed {@code strategies/adaptive.py}); what differs is listed on each method, and the probes of
 * {@link LearningStrategy} try a demoted target again.
 */
public final class AdaptiveStrategy extends LearningStrategy {
    static final double HEALTH_EXCELLENT = 80;
    static final double HEALTH_GOOD = 60;
    static final double HEALTH_FAIR = 40;
    static final double WEIGHT_EXCELLENT = 2.0;
    static final double WEIGHT_GOOD = 1.5;
    static final double WEIGHT_FAIR = 1.0;
    static final double WEIGHT_POOR = 0.5;
    static final double LATENCY_FAST_MS = 500;
    static final double LATENCY_MEDIUM_MS = 2000;
    static final double LATENCY_SLOW_MS = 5000;
    /** {@code router.prefer_models}: enough to lift a target one health band. */
    static final double PREFERRED = 2.0;
    /** {@code router.avoid_models}: the factor the original applied to its hard-coded "small models". */
    static final double AVOIDED = 0.3;

    public AdaptiveStrategy(RouterConfig config, HealthStore store, TargetHealth health, StickySessions sessions,
            LongSupplier clock) {
        super(config, store, health, sessions, clock);
    }

    /** The original's {@code health_score}, 0-100. A target never tried scores 77. */
    public static double healthScore(TargetStats s, long now) {
        double success = s.successRate() * 40;
        double latency = Math.max(0, 30 - s.avgLatencyMs() / 10_000 * 30);
        double stability = s.consecutiveSuccesses() >= 3 ? 20 : Math.max(0, 20 - 5 * s.consecutiveFailures());
        double recency = 10;
        if (s.lastFailureMs() > s.lastSuccessMs()) {
            long age = now - s.lastFailureMs();
            if (age < 60_000) {
                recency = 5;
            } else if (age < 300_000) {
                recency = 7;
            }
        }
        return success + latency + stability + recency;
    }

    /**
     * The original's {@code _calculate_weights}: band weight x latency factor x 1.2 after two successes in a row x 0.8
     * after a failure, times the configured preference (the original's hard-coded x0.3 for five "small models",
     * which its README called a bonus, is {@code router.avoid_models} now).
     */
    public static double weight(TargetStats s, long now, double preference) {
        double score = healthScore(s, now);
        double w = score >= HEALTH_EXCELLENT ? WEIGHT_EXCELLENT
                : score >= HEALTH_GOOD ? WEIGHT_GOOD
                : score >= HEALTH_FAIR ? WEIGHT_FAIR : WEIGHT_POOR;
        double latency = s.avgLatencyMs();
        w *= latency < LATENCY_FAST_MS ? 1.2 : latency < LATENCY_MEDIUM_MS ? 1.0 : latency < LATENCY_SLOW_MS ? 0.8 : 0.6;
        if (s.consecutiveSuccesses() >= 2) {
            w *= 1.2;
        }
        if (s.consecutiveFailures() >= 1) {
            w *= 0.8;
        }
        return w * preference;
    }

    double preference(Target t) {
        if (config.avoidModels().stream().anyMatch(m -> ModelQuery.matches(m, t.model()))) {
            return AVOIDED;
        }
        return config.preferModels().stream().anyMatch(m -> ModelQuery.matches(m, t.model())) ? PREFERRED : 1.0;
    }

    /**
     * Best weight first. Where the original kept config order between equal weights (after an insert quirk that put
     * them in odd order), the faster EWMA goes first: the bands are coarse, and two healthy targets at 300 and
     * 450 ms weigh the same.
     */
    @Override
    List<Candidate> rank(List<Candidate> candidates, long now) {
        return sortedBy(candidates, c -> -weight(c.stats(), now, preference(c.target())),
                Comparator.comparingDouble(c -> c.stats().avgLatencyMs()));
    }
}
