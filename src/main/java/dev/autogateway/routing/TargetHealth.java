package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What every request knows about every target's health: cool-downs (Retry-After, rate-limit backoff, bad keys) and
 * a circuit breaker per target, so a dead target costs one probe per reset period instead of an attempt per request.
 */
public final class TargetHealth {
    /** Without Retry-After, a rate-limited target rests 0.5-1 s, then 1-2 s, ... so no target sees more than two
     * attempts within 1.5 s. */
    private static final long RATE_LIMIT_BACKOFF_MS = 1_000;
    private static final long RATE_LIMIT_BACKOFF_MAX_MS = 30_000;

    private final Vertx vertx;
    private final RouterConfig config;
    private final Cooldowns cooldowns;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> rateLimitStreak = new ConcurrentHashMap<>();
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
        this.vertx = vertx;
        this.config = config;
        this.cooldowns = cooldowns;
    }

    /** Milliseconds until the target may be tried again because it or its key is cooling down; 0 when it may. */
    public long coolingMs(Target t) {
        return cooldowns.remainingMs(t);
    }

    public CircuitBreakerState circuit(Target t) {
        CircuitBreaker b = breakers.get(t.id());
        return b == null ? CircuitBreakerState.CLOSED : b.state();
    }

    public long openCircuits() {
        return breakers.values().stream().filter(b -> b.state() != CircuitBreakerState.CLOSED).count();
    }

    public void listen(Listener l) {
        this.listener = l;
    }

    /** Every cool-down still running, by target or key id, with its deadline in epoch milliseconds. */
    public Map<String, Long> activeCooldowns() {
        return cooldowns.active();
    }

    public java.util.List<String> openCircuitIds() {
        return breakers.entrySet().stream().filter(e -> e.getValue().state() == CircuitBreakerState.OPEN)
                .map(Map.Entry::getKey).toList();
    }

    /** Another cluster member cooled this target or key down. */
    public void applyRemoteCooldown(String id, long untilMillis) {
        cooldowns.extendUntil(id, untilMillis);
    }

    /** Another cluster member opened this target's circuit; it half-opens here after the local reset timeout. */
    public void applyRemoteOpen(String targetId) {
        APPLYING_REMOTE.set(true);
        try {
            CircuitBreaker b = breaker(targetId);
            if (b.state() != CircuitBreakerState.OPEN) {
                b.open();
            }
        } finally {
            APPLYING_REMOTE.set(false);
        }
    }

    /** Runs one attempt through the target's breaker; fails with {@code OpenCircuitException} when it is open. */
    <T> Future<T> guard(Target t, Supplier<Future<T>> attempt) {
        return breaker(t.id()).execute(attempt);
    }

    private CircuitBreaker breaker(String targetId) {
        return breakers.computeIfAbsent(targetId, id -> CircuitBreaker.create("target:" + id, vertx, new CircuitBreakerOptions()
                        .setMaxFailures(config.circuitFailures())
                        .setResetTimeout(config.circuitResetMs())
                        .setFailuresRollingWindow(Math.max(60_000, config.circuitResetMs() * 4))
                        .setTimeout(-1))
                .failurePolicy(ar -> ar.failed() && ar.cause() instanceof UpstreamFailure f && countsAgainstTarget(f.errorClass()))
                .openHandler(v -> {
                    if (!APPLYING_REMOTE.get()) {
                        listener.circuitOpened(id);
                    }
                }));
    }

    /** Failures that say the target is unwell. A key's problems, a rate limit or the request's own fault do not. */
    static boolean countsAgainstTarget(ErrorClass c) {
        return switch (c) {
            case SERVER_ERROR, OVERLOADED, NETWORK, TIMEOUT_CONNECT, TIMEOUT_FIRST_TOKEN, STALL, STREAM_CUT, MALFORMED -> true;
            default -> false;
        };
    }

    /** Applies what a failure says to every later request: bad keys rest, rate-limited targets rest. */
    void onFailure(Target t, UpstreamFailure f) {
        switch (f.errorClass()) {
            case AUTH -> listener.cooled(t.keyId(), cooldowns.coolKey(t, config.authCooldownMs()));
            case QUOTA -> listener.cooled(t.keyId(), cooldowns.coolKey(t, config.quotaCooldownMs()));
            case RATE_LIMIT -> listener.cooled(t.id(),
                    cooldowns.coolTarget(t, f.retryAfterMs() >= 0 ? f.retryAfterMs() : rateLimitBackoff(t)));
            case OVERLOADED -> {
                if (f.retryAfterMs() > 0) {
                    listener.cooled(t.id(), cooldowns.coolTarget(t, f.retryAfterMs()));
                }
            }
            default -> { }
        }
    }

    /**
     * A stream that failed after it opened has already counted as a success with the breaker (at its first chunk);
     * this books the failure too. The breaker has no other way in than running an operation.
     */
    void countMidStreamFailure(Target t, UpstreamFailure f) {
        guard(t, () -> Future.failedFuture(f));
    }

    void onSuccess(Target t) {
        rateLimitStreak.remove(t.id());
    }

    private long rateLimitBackoff(Target t) {
        int streak = rateLimitStreak.computeIfAbsent(t.id(), k -> new AtomicInteger()).getAndIncrement();
        long base = Math.min(RATE_LIMIT_BACKOFF_MAX_MS, RATE_LIMIT_BACKOFF_MS << Math.min(streak, 10));
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    }
}
