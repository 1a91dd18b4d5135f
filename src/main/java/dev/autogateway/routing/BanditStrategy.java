package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * UCB1 over targets, as the original's {@code UCBBanditStrategy}: an untried target first, then by mean reward plus
 * {@code C * sqrt(ln N / n)}. Reward: +1 per success plus {@code max(-1, 1 - latency/1000)}, -2 per failure.
 *
 * <p>What differs: the backoff and circuit gates of {@link TargetHealth} apply, so a dead target is not explored
 * on every request. They replace the original's soft circuit (-999 after three failures in a row), which never
 * lifted while other targets served, so a target that failed three times was never chosen again. Outcomes are
 * discounted by age ({@code router.bandit_half_life}, discounted UCB), because targets change: with lifetime
 * counts, a target that was fast for an hour keeps being chosen long after it turned slow, and one that recovered
 * waits for its old failures to be outweighed. N counts this request's candidates' attempts only.
 */
public final class BanditStrategy extends LearningStrategy {
    private final double exploration;
    private final long halfLifeMs;

    public BanditStrategy(RouterConfig config, HealthStore store, TargetHealth health, StickySessions sessions,
            LongSupplier clock) {
        super(config, store, health, sessions, clock);
        this.exploration = config.banditExploration();
        this.halfLifeMs = config.banditHalfLifeMs();
    }

    /** The discounted attempt count (the lifetime count when nothing is discounted). */
    static double pulls(TargetStats s, long now, long halfLifeMs) {
        return halfLifeMs > 0 ? s.recentAttempts(now, halfLifeMs) : s.attempts();
    }

    static double meanReward(TargetStats s, long halfLifeMs) {
        return halfLifeMs > 0 ? s.recentReward() / s.recentAttempts() : s.reward() / s.attempts();
    }

    /** The UCB1 value of a target with {@code s}, among candidates with {@code total} (discounted) attempts in all. */
    public static double ucb(TargetStats s, double total, double exploration, long now, long halfLifeMs) {
        double n = pulls(s, now, halfLifeMs);
        if (s.attempts() == 0 || n <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return meanReward(s, halfLifeMs) + exploration * Math.sqrt(Math.log(Math.max(1, total)) / n);
    }

    @Override
    List<Candidate> rank(List<Candidate> candidates, long now) {
        double total = candidates.stream().mapToDouble(c -> pulls(c.stats(), now, halfLifeMs)).sum();
        List<Candidate> out = new ArrayList<>(candidates);
        out.sort(Comparator.<Candidate>comparingDouble(c -> -ucb(c.stats(), total, exploration, now, halfLifeMs))
                .thenComparingInt(Candidate::position));
        return out;
    }
}
