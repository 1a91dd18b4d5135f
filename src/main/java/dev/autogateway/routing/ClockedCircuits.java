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
 * {@link VertxCircuits}' semantics on an injected clock: failures counted over the same rolling window, open at
 * {@code router.circuit_failures}, half-open once {@code router.circuit_reset} has passed (seen when the state is
 * read, where Vert.x sets a timer), one probe at a time while half-open, closed with a cleared count by a
 * successful probe, re-opened by a failed one.
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
                    && TargetHealth.countsAgainstTarget(uf.errorClass());
            boolean nowOpen;
            synchronized (c) {
                long now = clock.getAsLong();
                long before = c.openedAt;
                if (probe) {
                    c.probing = false;
                    if (counts) {
                        c.openedAt = now;
                    } else {
                        c.close();
                    }
                } else if (counts) {
                    c.failure(now, config.get());
                }
                nowOpen = c.openedAt >= 0 && c.openedAt != before;
            }
            if (nowOpen) {
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

        void failure(long now, RouterConfig config) {
            failures.addLast(now);
            while (!failures.isEmpty() && failures.peekFirst() <= now - rollingWindowMs(config)) {
                failures.removeFirst();
            }
            if (failures.size() >= config.circuitFailures()) {
                openedAt = now;
            }
        }

        void close() {
            openedAt = -1;
            failures.clear();
        }
    }
}
