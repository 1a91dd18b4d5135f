package dev.autogateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers a pure function's results for the request path. Bounded, because its keys come from clients (model
 * strings): once full it stops remembering and just computes, so a client sending random names costs CPU, not memory.
 * Callers keep long keys out ({@link #MAX_KEY_CHARS}): a model string may be as long as the body limit allows.
 */
final class Memo<K, V> {
    static final int MAX_KEY_CHARS = 256;

    private final Map<K, V> values = new ConcurrentHashMap<>();
    private final int max;
    private final Function<K, V> compute;

    Memo(int max, Function<K, V> compute) {
        this.max = max;
        this.compute = compute;
    }

    V get(K key) {
        V v = values.get(key);
        if (v == null) {
            v = compute.apply(key);
            if (values.size() < max) {
                values.putIfAbsent(key, v);
            }
        }
        return v;
    }
}
