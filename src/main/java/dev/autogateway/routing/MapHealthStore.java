package dev.autogateway.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** A {@link HealthStore} over a concurrent map (a Vert.x {@code LocalMap} in production) whose compute is atomic. */
final class MapHealthStore implements HealthStore {
    private final Map<String, TargetStats> map;
    private final AtomicLong version = new AtomicLong();

    MapHealthStore(Map<String, TargetStats> map) {
        this.map = map;
    }

    @Override
    public TargetStats get(String targetId) {
        TargetStats s = map.get(targetId);
        return s == null ? TargetStats.NEW : s;
    }

    @Override
    public TargetStats update(String targetId, UnaryOperator<TargetStats> change) {
        boolean[] changed = {false};
        TargetStats s = map.compute(targetId, (id, old) -> {
            TargetStats before = old == null ? TargetStats.NEW : old;
            TargetStats after = change.apply(before);
            changed[0] = after != before;
            return after;
        });
        // Only a real change is news for the state file (a lost probe claim returns the stats as they were).
        if (changed[0]) {
            version.incrementAndGet();
        }
        return s;
    }

    @Override
    public Map<String, TargetStats> snapshot() {
        return new HashMap<>(map);
    }

    @Override
    public void restore(Map<String, TargetStats> saved) {
        map.putAll(saved);
        version.incrementAndGet();
    }

    @Override
    public long version() {
        return version.get();
    }
}
