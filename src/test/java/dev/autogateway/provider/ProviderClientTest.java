package dev.autogateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A non-streaming attempt's answer path: the caller's timer and the provider's {@link Reply}. */
@ExtendWith(VertxExtension.class)
class ProviderClientTest {

    private static ProviderRequest request(Reply reply, long attemptTimeoutMs) {
        Limits limits = new Limits(1_000, 1_000, 1_000, attemptTimeoutMs, System.nanoTime() + 30_000_000_000L);
        return new ProviderRequest("req-1", "m", null, JsonObject::new, null, null, false, false, limits, null, reply);
    }

    /** Runs {@code call} on a Vert.x context, as the HTTP side does, and waits for its outcome. */
    private static Throwable failureOf(Vertx vertx, java.util.function.Supplier<Future<Completion>> call) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        vertx.runOnContext(v -> call.get().onComplete(ar -> {
            failure.set(ar.failed() ? ar.cause() : null);
            done.countDown();
        }));
        assertThat(done.await(5, TimeUnit.SECONDS)).as("the attempt ended").isTrue();
        return failure.get();
    }

    @BeforeEach
    void codecs(Vertx vertx) {
        LocalCodec.registerAll(vertx);
    }

    /** A provider at {@code address} that never answers; {@code stopped} counts down when it is told to stop. */
    private static void silentProvider(Vertx vertx, String address, CountDownLatch stopped) {
        vertx.eventBus().<ProviderRequest>localConsumer(address, m -> m.body().reply().onStop(stopped::countDown));
    }

    @Test
    void fails_at_once_when_no_provider_serves_the_address(Vertx vertx) throws Exception {
        long start = System.nanoTime();
        Throwable f = failureOf(vertx, () -> new ProviderClient(vertx).complete("gw.provider.nobody", r -> request(r, 10_000), cancel -> { }));
        assertThat((System.nanoTime() - start) / 1_000_000).as("not at the 10 s attempt timeout").isLessThan(5_000);
        assertThat(f).isInstanceOf(UpstreamFailure.class);
        assertThat(((UpstreamFailure) f).errorClass()).isEqualTo(ErrorClass.NETWORK);
    }

    @Test
    void ends_an_attempt_the_provider_never_answers_at_the_attempt_timeout_and_stops_it(Vertx vertx) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        silentProvider(vertx, "gw.provider.silent", stopped);
        long start = System.nanoTime();
        Throwable f = failureOf(vertx, () -> new ProviderClient(vertx).complete("gw.provider.silent", r -> request(r, 300), cancel -> { }));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).isBetween(250L, 2_000L);
        assertThat(((UpstreamFailure) f).errorClass()).isEqualTo(ErrorClass.TIMEOUT_FIRST_TOKEN);
        assertThat(f.getMessage()).contains("did not answer within 300 ms");
        assertThat(stopped.await(1, TimeUnit.SECONDS)).as("the provider was told to stop").isTrue();
    }

    @Test
    void a_cancelled_attempt_ends_at_once_and_stops_the_provider(Vertx vertx) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        silentProvider(vertx, "gw.provider.silent", stopped);
        AtomicReference<Runnable> cancel = new AtomicReference<>();
        long start = System.nanoTime();
        Throwable f = failureOf(vertx, () -> {
            Future<Completion> attempt = new ProviderClient(vertx).complete("gw.provider.silent", r -> request(r, 10_000), cancel::set);
            vertx.setTimer(100, id -> cancel.get().run());
            return attempt;
        });
        assertThat(f.getMessage()).isEqualTo("cancelled");
        assertThat((System.nanoTime() - start) / 1_000_000).as("not at the 10 s attempt timeout").isLessThan(5_000);
        assertThat(stopped.await(1, TimeUnit.SECONDS)).as("the provider was told to stop").isTrue();
    }

    @Test
    void a_gateway_answers_504_when_a_slow_provider_outlasts_the_attempt_timeout(Vertx vertx) {
        TestGateway gw = TestGateway.start(vertx, new JsonObject()
                .put("router", new JsonObject().put("retries", 0).put("attempt_timeout", 0.5))
                .put("providers", new JsonArray().add(new JsonObject().put("name", "slow").put("type", "echo")
                        .put("delay_ms", 5_000).put("models", new JsonArray().add("echo"))))
                .encode());
        try {
            long start = System.nanoTime();
            TestGateway.Response r = gw.post("/v1/chat/completions", new JsonObject().put("model", "echo")
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi"))));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.error().getString("message")).contains("did not answer within 500 ms");
            assertThat(tookMs).isBetween(400L, 2_500L);
        } finally {
            gw.close();
        }
    }
}
