package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * What {@link AdaptiveStrategy} and {@link BanditStrategy} share: state in a {@link HealthStore}, the gates of
 * {@link TargetHealth} (a target cooling down or with an open circuit goes last, where the router passes over it),
 * probes, and sticky sessions. Subclasses only rank.
 */
abstract class LearningStrategy implements Strategy {
    static final long FAILED_PROBE_SPACING_MS = 1_000;

    protected final HealthStore store;
    protected final TargetHealth health;
    protected final StickySessions sessions;
    protected final LongSupplier clock;
    protected final RouterConfig config;

    /** @param sessions null when {@code router.sticky} is off */
    LearningStrategy(RouterConfig config, HealthStore store, TargetHealth health, StickySessions sessions, LongSupplier clock) {
        this.store = store;
        this.health = health;
        this.sessions = sessions;
        this.clock = clock;
        this.config = config;
    }

    /** One candidate as a strategy sees it: the target, its stats and its config position. */
    record Candidate(Target target, TargetStats stats, int position) {}

    /** The candidates best first, in a new mutable list; gated ones are ranked apart and go last. */
    abstract List<Candidate> rank(List<Candidate> candidates, long now);

    /**
     * The candidates by {@code key}, lowest first, then by {@code tie}, then in config order. Each key is computed once
     * per candidate, not once per comparison: the strategies' keys take a few calls to work out.
     */
    static List<Candidate> sortedBy(List<Candidate> candidates, ToDoubleFunction<Candidate> key, Comparator<Candidate> tie) {
        record Keyed(Candidate candidate, double key) {}
        List<Keyed> keyed = new ArrayList<>(candidates.size());
        candidates.forEach(c -> keyed.add(new Keyed(c, key.applyAsDouble(c))));
        keyed.sort(Comparator.comparingDouble(Keyed::key)
                .thenComparing(Keyed::candidate, tie.thenComparingInt(Candidate::position)));
        List<Candidate> out = new ArrayList<>(keyed.size());
        keyed.forEach(k -> out.add(k.candidate()));
        return out;
    }

    @Override
    public final List<Target> order(List<Target> targets, RouteRequest request) {
        long now = clock.getAsLong();
        List<Candidate> open = new ArrayList<>();
        List<Candidate> gated = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            (gated(t) ? gated : open).add(new Candidate(t, store.get(t.id()), i));
        }
        List<Candidate> ranked = rank(open, now);
        // A fallback model's targets are ordered with every request but tried only when the main ones fail: probing
        // them there would claim probes that never run, and hold off the real ones.
        if (!pinToSession(ranked, request, now) && !request.fallback()) {
            explore(ranked, now);
        }
        if (sessions != null && request.session() != null && !ranked.isEmpty()) {
            sessions.bind(request.session(), ranked.get(0).target().id(), now);
        }
        ranked.addAll(rank(gated, now));
        List<Target> out = new ArrayList<>(ranked.size());
        ranked.forEach(c -> out.add(c.target()));
        return out;
    }

    /**
     * Probes (only when no session pins the request): the original never tried a demoted target again while a better
     * one served, so a primary that came back from an outage, or that was never tried, stayed unused. Here one
     * request at a time tries first a target that failed last and whose backoff has run out, or one not tried for
     * {@code router.probe_interval}. Reorders {@code ranked} in place.
     */
    private void explore(List<Candidate> ranked, long now) {
        for (int i = 0; i < ranked.size(); i++) {
            Candidate c = ranked.get(i);
            if (dueForProbe(c.stats(), now)) {
                // Claimed atomically and held for as long as one attempt may take, so concurrent requests do not
                // all probe the same target.
                long until = now + config.attemptTimeoutMs();
                if (store.update(c.target().id(), st -> dueForProbe(st, now) ? st.probing(until) : st).probeUntilMs() == until) {
                    ranked.add(0, ranked.remove(i));
                    return;
                }
            }
        }
    }

    /**
     * A failed target is due when its backoff has run out (it is not gated, or it would not be here), but no sooner
     * than 1 s, 2 s, 4 s, ... after its last failure, up to the probe interval: failures with no backoff of their own
     * (a 404 from one upstream) are not probed on every request.
     */
    private boolean dueForProbe(TargetStats s, long now) {
        if (s.probeUntilMs() > now) {
            return false;
        }
        if (s.consecutiveFailures() > 0) {
            long spacing = Math.min(config.probeIntervalMs(), FAILED_PROBE_SPACING_MS << Math.min(s.consecutiveFailures() - 1, 20));
            return now - s.lastFailureMs() >= spacing;
        }
        return now - s.lastAttemptMs() >= config.probeIntervalMs();
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
        store.record(target, outcome, clock.getAsLong(), config.banditHalfLifeMs());
    }
}
