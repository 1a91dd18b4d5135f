package dev.autogateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * UCB1 over targets, as the original's {@code UCBBanditStrategy}: an untried target first, then by mean reward plus
 * {@code C * sqrt(ln N / n)}; three failures in a row sink a target to the bottom. Reward: +1 per success plus
 * {@code max(-1, 1 - latency/1000)}, -2 per failure. Unlike the original, the backoff and circuit gates of
 * {@link TargetHealth} apply, so a dead target is not explored on every request, and N counts the attempts on this
 * request's candidates rather than on every target of the gateway.
 */
public final class BanditStrategy extends LearningStrategy {
    static final double SUNK = -999.0;
    static final int SINK_AFTER_FAILURES = 3;

    private final double exploration;

    public BanditStrategy(double exploration, HealthStore store, TargetHealth health, StickySessions sessions,
            LongSupplier clock) {
        super(store, health, sessions, clock);
        this.exploration = exploration;
    }

    /** The UCB1 value of a target with {@code s}, among candidates with {@code totalAttempts} attempts in all. */
    public static double ucb(TargetStats s, long totalAttempts, double exploration) {
        if (s.consecutiveFailures() >= SINK_AFTER_FAILURES) {
            return SUNK;
        }
        if (s.attempts() == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return s.reward() / s.attempts() + exploration * Math.sqrt(Math.log(Math.max(1, totalAttempts)) / s.attempts());
    }

    @Override
    List<Candidate> rank(List<Candidate> candidates, long now) {
        long total = candidates.stream().mapToLong(c -> c.stats().attempts()).sum();
        List<Candidate> out = new ArrayList<>(candidates);
        out.sort(Comparator.<Candidate>comparingDouble(c -> -ucb(c.stats(), total, exploration))
                .thenComparingInt(Candidate::position));
        return out;
    }
}
