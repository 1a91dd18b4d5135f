package dev.autogateway.routing;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The learning strategies' per-target state, by {@link Target#id()}. Every method is local and non-blocking, so
 * routing decisions never wait for it. This build keeps it in one process ({@link #local}, a Vert.x {@code LocalMap});
 * a cluster-wide implementation would serve the same calls from a local copy and share updates asynchronously.
 */
public interface HealthStore {

    /** The target's stats, {@link TargetStats#NEW} for a target never seen. */
    TargetStats get(String targetId);

    /** Replaces the target's stats atomically with {@code change} applied to them; returns the new stats. */
    TargetStats update(String targetId, UnaryOperator<TargetStats> change);

    /** A copy of every target's stats. */
    Map<String, TargetStats> snapshot();

    /** Puts previously saved stats in place (at start, before any request). */
    void restore(Map<String, TargetStats> saved);

    /** Grows with every change, so a writer can tell whether there is anything new to save. */
    long version();

    /** Books one attempt's outcome; {@code banditHalfLifeMs} discounts the bandit's counts (0: never). */
    default TargetStats record(Target target, AttemptOutcome outcome, long now, long banditHalfLifeMs) {
        return update(target.id(), s -> s.with(outcome, now, banditHalfLifeMs));
    }

    /** The store in this Vertx's shared data, named {@code name}. */
    static HealthStore local(Vertx vertx, String name) {
        return new MapHealthStore(vertx.sharedData().getLocalMap(name));
    }

    /** A plain in-memory store, for the routing simulator and unit tests. */
    static HealthStore inMemory() {
        return new MapHealthStore(new ConcurrentHashMap<>());
    }
}
