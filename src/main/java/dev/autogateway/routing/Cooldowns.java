package dev.autogateway.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Targets and keys taken out of rotation until a deadline, shared by every request: a key that got 401 is not
 * offered again for a while, and a target that said Retry-After is left alone for that long.
 */
public final class Cooldowns {
    private final Map<String, Long> until = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    public Cooldowns(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    public void coolKey(Target t, long ms) {
        extend(t.keyId(), ms);
    }

    public void coolTarget(Target t, long ms) {
        extend(t.id(), ms);
    }

    private void extend(String id, long ms) {
        long deadline = clockMillis.getAsLong() + ms;
        until.merge(id, deadline, Math::max);
    }

    /** Milliseconds until the target may be used again; 0 when it may be used now. */
    public long remainingMs(Target t) {
        long now = clockMillis.getAsLong();
        return Math.max(0, Math.max(remaining(t.id(), now), remaining(t.keyId(), now)));
    }

    private long remaining(String id, long now) {
        Long deadline = until.get(id);
        if (deadline == null) {
            return 0;
        }
        if (deadline <= now) {
            until.remove(id, deadline);
            return 0;
        }
        return deadline - now;
    }
}
