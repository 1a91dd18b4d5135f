package dev.autogateway.routing;

import dev.autogateway.config.Backoff;
import dev.autogateway.config.RouterConfig;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What every request knows about every target's health: cool-downs (Retry-After, the per-class backoff of
 * {@code router.backoff}, bad keys) and a circuit breaker per target ({@link CircuitGate}), so a dead target costs
 * one probe per reset period instead of an attempt per request. These are every strategy's gates.
 */
public final class TargetHealth {
    private volatile RouterConfig config;
    private final Cooldowns cooldowns;
    private final CircuitGate circuits;
    private final Supplier<RandomGenerator> random;
    /** Failures in a row per (target or key, backoff class), which set the next rest; cleared by a success. */
    private final Map<String, AtomicInteger> streaks = new ConcurrentHashMap<>();
    /** Set while applying another cluster member's news, so it is not echoed back. */
    private static final ThreadLocal<Boolean> APPLYING_REMOTE = ThreadLocal.withInitial(() -> false);
    private volatile Listener listener = Listener.NONE;

    /** Hears what changes other requests, and other cluster members, should know: cool-downs and opened circuits. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void cooled(String id, long untilMillis) {}

            @Override
            public void circuitOpened(String targetId) {}
        };

        void cooled(String id, long untilMillis);

        void circuitOpened(String targetId);
    }

    public TargetHealth(Vertx vertx, RouterConfig config, Cooldowns cooldowns) {
        this(config, cooldowns, null, ThreadLocalRandom::current, vertx);
    }

    /**
     * With a circuit gate and randomness of one's own: {@link ClockedCircuits} and a seeded generator let the routing
     * simulator and unit tests run on a virtual clock, deterministically.
     */
    public TargetHealth(RouterConfig config, Cooldowns cooldowns, CircuitGate circuits, Supplier<RandomGenerator> random) {
        this(config, cooldowns, circuits, random, null);
    }

    private TargetHealth(RouterConfig config, Cooldowns cooldowns, CircuitGate circuits, Supplier<RandomGenerator> random,
            Vertx vertx) {
        this.config = config;
        this.cooldowns = cooldowns;
        this.circuits = circuits != null ? circuits : new VertxCircuits(vertx, () -> this.config);
        this.random = random;
        this.circuits.onOpen(id -> {
            if (!APPLYING_REMOTE.get()) {
                listener.circuitOpened(id);
            }
        });
    }

    /** Milliseconds until the target may be tried again because it or its key is cooling down; 0 when it may. */
    public long coolingMs(Target t) {
        return cooldowns.remainingMs(t);
    }

    public CircuitBreakerState circuit(Target t) {
        return circuits.state(t.id());
    }

    public long openCircuits() {
        return circuits.notClosed();
    }

    /** Whether routing passes over the target for now: it or its key is cooling down, or its circuit is open. */
    public boolean gated(Target t) {
        return coolingMs(t) > 0 || circuit(t) == CircuitBreakerState.OPEN;
    }

    /** A reloaded config: new cool-down lengths apply at once, new circuit settings to circuits created from now. */
    public void reconfigure(RouterConfig next) {
        this.config = next;
    }

    public void listen(Listener l) {
        this.listener = l;
    }

    /** Every cool-down still running, by target or key id, with its deadline in epoch milliseconds. */
    public Map<String, Long> activeCooldowns() {
        return cooldowns.active();
    }

    public java.util.List<String> openCircuitIds() {
        return circuits.openIds();
    }

    /** Another cluster member cooled this target or key down. */
    public void applyRemoteCooldown(String id, long untilMillis) {
        cooldowns.extendUntil(id, untilMillis);
    }

    /** Another cluster member opened this target's circuit; it half-opens here after the local reset timeout. */
    public void applyRemoteOpen(String targetId) {
        APPLYING_REMOTE.set(true);
        try {
            circuits.open(targetId);
        } finally {
            APPLYING_REMOTE.set(false);
        }
    }

    /** Runs one attempt through the target's breaker; fails with {@code OpenCircuitException} when it is open. */
    <T> Future<T> guard(Target t, Supplier<Future<T>> attempt) {
        return circuits.guard(t.id(), attempt);
    }

    /**
     * Whether a failure counts against the target's circuit: as {@link #countsAgainstTarget}, and a half-open probe
     * that ended with no answer at all (the client left, the budget ran out) counts too, since it proved nothing: the
     * circuit stays open rather than close unproven.
     */
    static boolean countsAgainstCircuit(ErrorClass c, boolean probing) {
        return countsAgainstTarget(c) || probing && c == ErrorClass.TIMEOUT;
    }

    /** Failures that say the target is unwell. A key's problems, a rate limit or the request's own fault do not. */
    static boolean countsAgainstTarget(ErrorClass c) {
        return switch (c) {
            case SERVER_ERROR, OVERLOADED, NETWORK, TIMEOUT_CONNECT, TIMEOUT_FIRST_TOKEN, STALL, STREAM_CUT, MALFORMED -> true;
            default -> false;
        };
    }

    /** The {@code router.backoff} class of a failure; null for the request's own faults, which rest nothing. */
    static String backoffClass(ErrorClass c) {
        return switch (c) {
            case RATE_LIMIT -> "rate_limit";
            case AUTH -> "auth";
            case QUOTA -> "quota";
            case TIMEOUT_CONNECT, TIMEOUT_FIRST_TOKEN, STALL, TIMEOUT -> "timeout";
            case NETWORK -> "network";
            case SERVER_ERROR, OVERLOADED, MALFORMED, STREAM_CUT -> "server_error";
            default -> null;
        };
    }

    /**
     * Applies what a failure says to every later request: the target (or, for {@code auth} and {@code quota}, its
     * key) rests as {@code router.backoff} says for the failure's class, longer with every failure in a row. A
     * Retry-After on a 429 or 503 wins over it.
     */
    void onFailure(Target t, UpstreamFailure f) {
        ErrorClass c = f.errorClass();
        if (c == ErrorClass.RATE_LIMIT && f.retryAfterMs() >= 0 || c == ErrorClass.OVERLOADED && f.retryAfterMs() > 0) {
            listener.cooled(t.id(), cooldowns.coolTarget(t, f.retryAfterMs()));
            return;
        }
        String cls = backoffClass(c);
        Backoff b = cls == null ? Backoff.NONE : config.backoff().getOrDefault(cls, Backoff.NONE);
        if (!b.enabled()) {
            return;
        }
        boolean keyWide = c == ErrorClass.AUTH || c == ErrorClass.QUOTA;
        String id = keyWide ? t.keyId() : t.id();
        long ms = b.delayMs(streaks.computeIfAbsent(id + "|" + cls, k -> new AtomicInteger()).getAndIncrement());
        if (b.jitter()) {
            ms = ms / 2 + random.get().nextLong(ms / 2 + 1);
        }
        listener.cooled(id, keyWide ? cooldowns.coolKey(t, ms) : cooldowns.coolTarget(t, ms));
    }

    /**
     * A stream that failed after it opened has already counted as a success with the breaker (at its first chunk);
     * this books the failure too. The breaker has no other way in than running an operation.
     */
    void countMidStreamFailure(Target t, UpstreamFailure f) {
        guard(t, () -> Future.failedFuture(f));
    }

    void onSuccess(Target t) {
        if (streaks.isEmpty()) {
            return;
        }
        for (String cls : Backoff.CLASSES) {
            streaks.remove(t.id() + "|" + cls);
            streaks.remove(t.keyId() + "|" + cls);
        }
    }
}
