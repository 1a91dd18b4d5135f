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
        TargetStats s = map.compute(targetId, (id, old) -> change.apply(old == null ? TargetStats.NEW : old));
        version.incrementAndGet();
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
