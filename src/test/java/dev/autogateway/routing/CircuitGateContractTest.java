package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.RouterConfig;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The circuit contract, run against both gates: {@link ClockedCircuits} on a fake clock, and the gateway's
 * {@link VertxCircuits} in (short) real time. The simulator's circuits behave as the gateway's do.
 */
@ExtendWith(VertxExtension.class)
class CircuitGateContractTest {
    private static final String T = "p:m:k";
    private static final RouterConfig CONFIG = ConfigLoader.parse("{\"router\":{\"circuit_failures\":3,\"circuit_reset\":0.3},"
            + "\"providers\":[{\"name\":\"p\",\"type\":\"echo\",\"models\":[\"m\"]}]}", Map.of()).router();

    interface Time {
        void pass(long ms) throws Exception;
    }

    /** How an attempt through the gate ended: null for success, else its failure (once the gate has booked it). */
    private static Throwable run(CircuitGate gate, Future<Void> outcome) throws Exception {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        gate.guard(T, () -> outcome).onComplete(ar -> done.complete(ar.failed() ? ar.cause() : null));
        return done.get(2, TimeUnit.SECONDS);
    }

    private static Throwable fail(CircuitGate gate, ErrorClass c) throws Exception {
        return run(gate, Future.failedFuture(new UpstreamFailure(c, "x")));
    }

    private static Throwable succeed(CircuitGate gate) throws Exception {
        return run(gate, Future.succeededFuture());
    }

    private static void contract(CircuitGate gate, Time time) throws Exception {
        List<String> opened = new CopyOnWriteArrayList<>();
        gate.onOpen(opened::add);
        fail(gate, ErrorClass.SERVER_ERROR);
        fail(gate, ErrorClass.NETWORK);
        succeed(gate);
        fail(gate, ErrorClass.SERVER_ERROR);
        fail(gate, ErrorClass.STALL);
        fail(gate, ErrorClass.RATE_LIMIT);
        fail(gate, ErrorClass.SERVER_ERROR);
        fail(gate, ErrorClass.CONTENT_POLICY);
        assertThat(gate.state(T)).as("only failures in a row count; rate limits and the request's own faults do not")
                .isEqualTo(CircuitBreakerState.CLOSED);
        fail(gate, ErrorClass.NETWORK);
        fail(gate, ErrorClass.TIMEOUT_FIRST_TOKEN);
        fail(gate, ErrorClass.MALFORMED);
        assertThat(gate.state(T)).isEqualTo(CircuitBreakerState.OPEN);
        assertThat(opened).containsExactly(T);
        assertThat(gate.openIds()).containsExactly(T);
        assertThat(succeed(gate)).isInstanceOf(OpenCircuitException.class);

        time.pass(400);
        assertThat(gate.state(T)).isEqualTo(CircuitBreakerState.HALF_OPEN);
        Promise<Void> probe = Promise.promise();
        CompletableFuture<Throwable> probed = new CompletableFuture<>();
        gate.guard(T, probe::future).onComplete(ar -> probed.complete(ar.cause()));
        assertThat(succeed(gate)).as("one probe at a time").isInstanceOf(OpenCircuitException.class);
        probe.fail(new UpstreamFailure(ErrorClass.NETWORK, "still down"));
        probed.get(2, TimeUnit.SECONDS);
        assertThat(gate.state(T)).as("a failed probe re-opens").isEqualTo(CircuitBreakerState.OPEN);
        assertThat(opened).hasSize(2);

        time.pass(400);
        assertThat(fail(gate, ErrorClass.TIMEOUT)).isInstanceOf(UpstreamFailure.class);
        assertThat(gate.state(T)).as("a probe that ended unanswered (client gone, budget spent) proved nothing")
                .isEqualTo(CircuitBreakerState.OPEN);
        assertThat(opened).hasSize(3);

        time.pass(400);
        assertThat(succeed(gate)).isNull();
        assertThat(gate.state(T)).isEqualTo(CircuitBreakerState.CLOSED);
        fail(gate, ErrorClass.NETWORK);
        fail(gate, ErrorClass.NETWORK);
        assertThat(gate.state(T)).as("recovery cleared the failure count").isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(gate.notClosed()).isZero();
    }

    @Test
    void clocked_circuits_keep_the_contract_on_a_fake_clock() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        contract(new ClockedCircuits(() -> CONFIG, now::get), now::addAndGet);
    }

    @Test
    void the_gateways_circuits_keep_the_contract(Vertx vertx) throws Exception {
        // Off the event loop, which the breakers' completions and reset timers need free.
        contract(new VertxCircuits(vertx, () -> CONFIG), Thread::sleep);
    }

    @Test
    void a_remote_open_opens_the_circuit_and_half_opens_after_the_reset() {
        AtomicLong now = new AtomicLong(1_000_000);
        CircuitGate gate = new ClockedCircuits(() -> CONFIG, now::get);
        gate.open(T);
        assertThat(gate.state(T)).isEqualTo(CircuitBreakerState.OPEN);
        now.addAndGet(300);
        assertThat(gate.state(T)).isEqualTo(CircuitBreakerState.HALF_OPEN);
    }
}
