package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The gateway's {@link CircuitGate}: one vertx-circuit-breaker per target, created on its first attempt with the
 * config of that moment (a reloaded config applies to circuits created after it).
 */
final class VertxCircuits implements CircuitGate {
    private final Vertx vertx;
    private final Supplier<RouterConfig> config;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private volatile Consumer<String> opened = id -> { };

    VertxCircuits(Vertx vertx, Supplier<RouterConfig> config) {
        this.vertx = vertx;
        this.config = config;
    }

    @Override
    public CircuitBreakerState state(String targetId) {
        CircuitBreaker b = breakers.get(targetId);
        return b == null ? CircuitBreakerState.CLOSED : b.state();
    }

    /**
     * A healthy target (closed, no failures counted) is called directly: the breaker's own call path takes a lock and
     * hops through the event loop's task queue on every completion, which is most of a call's bookkeeping, and a
     * success there changes nothing. A failure still reaches the breaker, which applies its failure policy to it.
     */
    @Override
    public <T> Future<T> guard(String targetId, Supplier<Future<T>> attempt) {
        CircuitBreaker b = breaker(targetId);
        if (b.state() != CircuitBreakerState.CLOSED || b.failureCount() > 0) {
            return b.execute(attempt);
        }
        Future<T> result;
        try {
            result = attempt.get();
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        // The caller hears of the failure once the breaker has counted it, so its next call sees the count.
        return result.recover(e -> b.<T>execute(() -> Future.failedFuture(e)).transform(counted -> Future.failedFuture(e)));
    }

    @Override
    public long notClosed() {
        return breakers.values().stream().filter(b -> b.state() != CircuitBreakerState.CLOSED).count();
    }

    @Override
    public List<String> openIds() {
        return breakers.entrySet().stream().filter(e -> e.getValue().state() == CircuitBreakerState.OPEN)
                .map(Map.Entry::getKey).toList();
    }

    @Override
    public void open(String targetId) {
        CircuitBreaker b = breaker(targetId);
        if (b.state() != CircuitBreakerState.OPEN) {
            b.open();
        }
    }

    @Override
    public void onOpen(Consumer<String> listener) {
        this.opened = listener;
    }

    private CircuitBreaker breaker(String targetId) {
        return breakers.computeIfAbsent(targetId, id -> {
            RouterConfig c = config.get();
            CircuitBreaker b = CircuitBreaker.create("target:" + id, vertx, new CircuitBreakerOptions()
                    .setMaxFailures(c.circuitFailures())
                    .setResetTimeout(c.circuitResetMs())
                    .setFailuresRollingWindow(ClockedCircuits.rollingWindowMs(c))
                    .setTimeout(-1)
                    // Its metrics (a histogram per call, an event-bus publish per breaker every 2 s) are not used:
                    // /metrics and /admin/targets report circuits from the gateway's own state.
                    .setNotificationAddress(null));
            return b.failurePolicy(ar -> ar.failed() && ar.cause() instanceof UpstreamFailure f
                            && TargetHealth.countsAgainstCircuit(f.errorClass(), b.state() == CircuitBreakerState.HALF_OPEN))
                    .openHandler(v -> opened.accept(id));
        });
    }
}
