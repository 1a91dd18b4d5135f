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

    /** @return the key's cool-down deadline in epoch milliseconds */
    public long coolKey(Target t, long ms) {
        return extendUntil(t.keyId(), clockMillis.getAsLong() + ms);
    }

    /** @return the target's cool-down deadline in epoch milliseconds */
    public long coolTarget(Target t, long ms) {
        return extendUntil(t.id(), clockMillis.getAsLong() + ms);
    }

    /** Cools a target or key id down until an absolute deadline (also how other cluster members' news arrives). */
    public long extendUntil(String id, long deadlineMillis) {
        return until.merge(id, deadlineMillis, Math::max);
    }

    /** Every cool-down still running, by target or key id: its deadline in epoch milliseconds. Drops the ended ones. */
    public Map<String, Long> active() {
        long now = clockMillis.getAsLong();
        until.values().removeIf(deadline -> deadline <= now);
        return new java.util.HashMap<>(until);
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
