package dev.autogateway.routing;

import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A circuit breaker per target, by {@link Target#id()}. While a target's circuit is open, attempts are refused at
 * once with {@code OpenCircuitException}; after {@code router.circuit_reset} one attempt may probe it (half-open),
 * and a success closes the circuit and clears its failure count. Only failures that say the target is unwell count
 * ({@link TargetHealth#countsAgainstTarget}).
 *
 * <p>Two implementations keep the same contract (see {@code CircuitGateContractTest}): {@link VertxCircuits}, on
 * vertx-circuit-breaker and Vert.x timers, which the gateway runs; and {@link ClockedCircuits}, on an injected
 * clock, which lets the routing simulator and unit tests drive time without sleeping.
 */
public interface CircuitGate {

    CircuitBreakerState state(String targetId);

    /** Runs one attempt through the target's breaker; fails with {@code OpenCircuitException} when it is open. */
    <T> Future<T> guard(String targetId, Supplier<Future<T>> attempt);

    /** How many circuits are not closed. */
    long notClosed();

    /** The targets whose circuit is open. */
    List<String> openIds();

    /** Opens the target's circuit now (another cluster member saw it fail); it half-opens after the reset period. */
    void open(String targetId);

    /** Hears every circuit that opens, by target id. */
    void onOpen(Consumer<String> listener);
}
