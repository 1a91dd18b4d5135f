package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * UCB1 over targets, as the original's {@code UCBBanditStrategy}: targets by mean reward plus
 * {@code C * sqrt(ln N / n)}, with the original's reward: +1 per success plus a latency bonus, -2 per failure.
 *
 * <p>What differs, and why:
 * <ul>
 *   <li>The latency bonus is {@code 2 * fastest / latency - 1}, against the fastest candidate's latency, where the
 *       original's was {@code max(-1, 1 - latency/1000)}. Both run from +1 to -1, but the original measured against a
 *       fixed second: every answer slower than 2 s (most LLM answers) got the same -1, and 250 ms against 500 ms was
 *       worth 0.25 in a reward range of 4, so UCB1, which tries a worse target in proportion to {@code C^2 / gap^2},
 *       kept sending several percent of requests to slower targets: the p95. Here twice as slow as the fastest costs
 *       1, at any scale.
 *   <li>So the mean reward is computed when ranking, as the expected reward of one attempt, from the success rate
 *       {@code p} and the EWMA latency of {@link TargetStats}: {@code p * (1 + bonus) - 2 * (1 - p)}. The EWMA sees a
 *       slowdown within a few answers, and after 15 s without a success takes the next answer as is, so one attempt
 *       shows that a target is fast again; a mean of rewards would keep its slow answers for several half-lives.
 *   <li>The gates of {@link TargetHealth} apply, so a dead target is not explored on every request. They replace the
 *       original's soft circuit (-999 after three failures in a row), which never lifted while other targets served,
 *       so a target that failed three times was never chosen again.
 *   <li>The probes of {@link LearningStrategy}, as adaptive's, try a target not tried for {@code router.probe_interval}
 *       or whose backoff ran out. UCB1 comes back to a target that fell behind only once its count has shrunk, which
 *       after a spell of heavy use takes minutes; with the probes it takes at most the interval, and C only has to
 *       settle near-ties. It defaults to 0.2, not the original's 1.5: in the simulator, more exploration only costs
 *       p95 (docs/routing.md has the sweep).
 *   <li>A target never tried is left to the probes, which send it one request; UCB1 would rank it first, and
 *       with requests in parallel that is every request until its first answer comes back.
 *   <li>Outcomes are discounted by age ({@code router.bandit_half_life}, discounted UCB), because targets change: with
 *       lifetime counts, a target reliable for an hour that starts failing one attempt in three keeps its high
 *       success rate for an hour more. N counts this request's candidates' attempts only.
 * </ul>
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

    static double successRate(TargetStats s, long halfLifeMs) {
        return halfLifeMs > 0 ? s.recentSuccesses() / s.recentAttempts() : (double) s.successes() / s.attempts();
    }

    /** The expected reward of one attempt at a target with {@code s}; the fastest candidate's EWMA is {@code fastestMs}. */
    static double meanReward(TargetStats s, double fastestMs, long halfLifeMs) {
        double p = successRate(s, halfLifeMs);
        double bonus = p > 0 ? 2 * fastestMs / s.ewmaLatencyMs() - 1 : 0;
        return p * (1 + bonus) - 2 * (1 - p);
    }

    /**
     * The UCB1 value of a target with {@code s}, among candidates with {@code total} (discounted) attempts in all, the
     * fastest of them at {@code fastestMs}; minus infinity for a target never tried.
     */
    public static double ucb(TargetStats s, double total, double fastestMs, double exploration, long now,
            long halfLifeMs) {
        double n = pulls(s, now, halfLifeMs);
        if (n <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return meanReward(s, fastestMs, halfLifeMs) + exploration * Math.sqrt(Math.log(Math.max(1, total)) / n);
    }

    @Override
    List<Candidate> rank(List<Candidate> candidates, long now) {
        double total = candidates.stream().mapToDouble(c -> pulls(c.stats(), now, halfLifeMs)).sum();
        double fastest = candidates.stream().mapToDouble(c -> c.stats().ewmaLatencyMs()).filter(l -> l > 0).min()
                .orElse(0);
        return sortedBy(candidates, c -> -ucb(c.stats(), total, fastest, exploration, now, halfLifeMs), (a, b) -> 0);
    }
}
