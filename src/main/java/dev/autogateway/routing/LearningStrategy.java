package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What {@link AdaptiveStrategy} and {@link BanditStrategy} share: state in a {@link HealthStore}, the gates of
 * {@link TargetHealth} (a target cooling down or with an open circuit goes last, where the router passes over it),
 * and sticky sessions. Subclasses only rank.
 */
abstract class LearningStrategy implements Strategy {
    protected final HealthStore store;
    protected final TargetHealth health;
    protected final StickySessions sessions;
    protected final LongSupplier clock;
    private final long banditHalfLifeMs;

    /** @param sessions null when {@code router.sticky} is off */
    LearningStrategy(RouterConfig config, HealthStore store, TargetHealth health, StickySessions sessions, LongSupplier clock) {
        this.store = store;
        this.health = health;
        this.sessions = sessions;
        this.clock = clock;
        this.banditHalfLifeMs = config.banditHalfLifeMs();
    }

    /** One candidate as a strategy sees it: the target, its stats, its config position, and whether it is gated. */
    record Candidate(Target target, TargetStats stats, int position, boolean gated) {}

    /** The candidates best first; gated ones are sorted last by the caller whatever this returns. */
    abstract List<Candidate> rank(List<Candidate> candidates, long now);

    /** A chance to move a target to the front to learn about it (only when no session pins the request). */
    List<Candidate> explore(List<Candidate> ranked, long now) {
        return ranked;
    }

    @Override
    public final List<Target> order(List<Target> targets, RouteRequest request) {
        long now = clock.getAsLong();
        List<Candidate> open = new ArrayList<>();
        List<Candidate> gated = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            boolean g = gated(t);
            (g ? gated : open).add(new Candidate(t, store.get(t.id()), i, g));
        }
        List<Candidate> ranked = new ArrayList<>(rank(open, now));
        if (!pinToSession(ranked, request, now)) {
            ranked = new ArrayList<>(explore(ranked, now));
        }
        if (sessions != null && request.session() != null && !ranked.isEmpty()) {
            sessions.bind(request.session(), ranked.get(0).target().id(), now);
        }
        ranked.addAll(rank(gated, now));
        List<Target> out = new ArrayList<>(ranked.size());
        ranked.forEach(c -> out.add(c.target()));
        return out;
    }

    boolean gated(Target t) {
        return health.gated(t);
    }

    /**
     * Moves the session's target to the front while it is healthy (open, and its last attempt did not fail). When it
     * is not, the session follows the ranking and is bound to whatever comes first.
     */
    private boolean pinToSession(List<Candidate> ranked, RouteRequest request, long now) {
        if (sessions == null || request.session() == null) {
            return false;
        }
        String id = sessions.target(request.session(), now);
        for (int i = 0; id != null && i < ranked.size(); i++) {
            Candidate c = ranked.get(i);
            if (c.target().id().equals(id)) {
                if (c.stats().consecutiveFailures() > 0) {
                    return false;
                }
                ranked.add(0, ranked.remove(i));
                return true;
            }
        }
        return false;
    }

    @Override
    public void record(Target target, AttemptOutcome outcome) {
        store.record(target, outcome, clock.getAsLong(), banditHalfLifeMs);
    }
}
