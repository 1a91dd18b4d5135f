package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@link VertxCircuits}' semantics (vertx-circuit-breaker 5.0.7) on an injected clock: failures that count add up
 * over the same rolling window and anything else clears them, so {@code router.circuit_failures} failures in a row
 * open the circuit; it half-opens once {@code router.circuit_reset} has passed (seen when the state is read, where
 * Vert.x sets a timer); one probe at a time goes through while half-open; a successful probe closes the circuit
 * with a cleared count, a failed one re-opens it.
 */
public final class ClockedCircuits implements CircuitGate {
    private final Supplier<RouterConfig> config;
    private final LongSupplier clock;
    private final Map<String, Circuit> circuits = new ConcurrentHashMap<>();
    private volatile Consumer<String> opened = id -> { };

    public ClockedCircuits(Supplier<RouterConfig> config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /** The window over which failures add up to open a circuit. */
    static long rollingWindowMs(RouterConfig config) {
        return Math.max(60_000, config.circuitResetMs() * 4);
    }

    @Override
    public CircuitBreakerState state(String targetId) {
        Circuit c = circuits.get(targetId);
        if (c == null) {
            return CircuitBreakerState.CLOSED;
        }
        synchronized (c) {
            return c.state(clock.getAsLong(), config.get().circuitResetMs());
        }
    }

    @Override
    public long notClosed() {
        return circuits.keySet().stream().filter(id -> state(id) != CircuitBreakerState.CLOSED).count();
    }

    @Override
    public List<String> openIds() {
        return circuits.keySet().stream().filter(id -> state(id) == CircuitBreakerState.OPEN).toList();
    }

    @Override
    public void open(String targetId) {
        Circuit c = circuits.computeIfAbsent(targetId, id -> new Circuit());
        synchronized (c) {
            if (c.state(clock.getAsLong(), config.get().circuitResetMs()) != CircuitBreakerState.OPEN) {
                c.openedAt = clock.getAsLong();
            }
        }
        opened.accept(targetId);
    }

    @Override
    public void onOpen(Consumer<String> listener) {
        this.opened = listener;
    }

    @Override
    public <T> Future<T> guard(String targetId, Supplier<Future<T>> attempt) {
        Circuit c = circuits.computeIfAbsent(targetId, id -> new Circuit());
        boolean probe;
        synchronized (c) {
            CircuitBreakerState s = c.state(clock.getAsLong(), config.get().circuitResetMs());
            if (s == CircuitBreakerState.OPEN || s == CircuitBreakerState.HALF_OPEN && c.probing) {
                return Future.failedFuture(OpenCircuitException.INSTANCE);
            }
            probe = s == CircuitBreakerState.HALF_OPEN;
            c.probing |= probe;
        }
        Future<T> f;
        try {
            f = attempt.get();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.andThen(ar -> {
            boolean counts = ar.failed() && ar.cause() instanceof UpstreamFailure uf
                    && TargetHealth.countsAgainstCircuit(uf.errorClass(), probe);
            boolean opens;
            synchronized (c) {
                long now = clock.getAsLong();
                RouterConfig cfg = config.get();
                CircuitBreakerState s = c.state(now, cfg.circuitResetMs());
                if (probe) {
                    c.probing = false;
                }
                if (counts) {
                    // Vert.x: a probe's failure, or any failure seen while half-open, re-opens; while open, nothing.
                    opens = probe || s == CircuitBreakerState.HALF_OPEN || s == CircuitBreakerState.CLOSED && c.failure(now, cfg);
                    if (opens) {
                        c.openedAt = now;
                    }
                } else {
                    // Vert.x resets on anything its failure policy lets pass: the count, and the circuit unless open.
                    opens = false;
                    c.failures.clear();
                    if (s != CircuitBreakerState.OPEN) {
                        c.openedAt = -1;
                    }
                }
            }
            if (opens) {
                opened.accept(targetId);
            }
        });
    }

    private static final class Circuit {
        private final Deque<Long> failures = new ArrayDeque<>();
        private long openedAt = -1;
        private boolean probing;

        CircuitBreakerState state(long now, long resetMs) {
            if (openedAt < 0) {
                return CircuitBreakerState.CLOSED;
            }
            return now - openedAt >= resetMs ? CircuitBreakerState.HALF_OPEN : CircuitBreakerState.OPEN;
        }

        /** Counts a failure; true when that makes enough in the rolling window to open. */
        boolean failure(long now, RouterConfig config) {
            failures.addLast(now);
            while (!failures.isEmpty() && failures.peekFirst() <= now - rollingWindowMs(config)) {
                failures.removeFirst();
            }
            return failures.size() >= config.circuitFailures();
        }
    }
}
