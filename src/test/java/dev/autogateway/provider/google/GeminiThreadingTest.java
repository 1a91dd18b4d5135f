package dev.autogateway.provider.google;

import static dev.autogateway.provider.google.GoogleFixture.MODEL;
import static dev.autogateway.provider.google.GoogleFixture.hello;
import static dev.autogateway.provider.google.MockGemini.candidate;
import static dev.autogateway.provider.google.MockGemini.response;
import static dev.autogateway.provider.google.MockGemini.textPart;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.autogateway.testing.Await;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The SDK blocks, so Gemini calls run on the provider's own call pool: many slow calls run side by side, nothing
 * waits on an event loop (the blocked-thread checker, set far stricter than usual, stays silent), the pool bounds
 * the calls in flight, and each key has one SDK client, reused and closed on undeploy.
 */
class GeminiThreadingTest {
    private static final String CHECKER = "io.vertx.core.impl.BlockedThreadChecker";
    /** Each slow answer takes two of these; longer than the worker limit below, far longer than the event-loop one. */
    private static final long EVENT_GAP_MS = 700;

    private Vertx vertx;
    private MockGemini gemini;
    private TestGateway gw;
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeEach
    void start() {
        vertx = Vertx.builder().with(new VertxOptions()
                .setBlockedThreadCheckInterval(50)
                .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setMaxWorkerExecuteTime(1_000).setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS)).build();
        warnings.start();
        ((Logger) LoggerFactory.getLogger(CHECKER)).addAppender(warnings);
        gemini = MockGemini.start(vertx);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        gemini.close();
        ((Logger) LoggerFactory.getLogger(CHECKER)).detachAppender(warnings);
        vertx.close().await();
    }

    private void gateway(int workers, Object apiKey) {
        gw = TestGateway.start(vertx, GoogleFixture.config("{\"retries\":0,\"timeout\":20,\"first_byte_timeout\":10,\"idle_timeout\":10}",
                GoogleFixture.google("gem", gemini, apiKey, new JsonObject().put(MODEL, new JsonArray())).put("workers", workers)));
    }

    /** All in flight together, so not the blocking {@code gw.post}. */
    private CompletableFuture<TestGateway.Response> askAsync(JsonObject request) {
        return gw.postAsync("/v1/chat/completions", request);
    }

    @Test
    void should_run_many_slow_calls_side_by_side_without_blocking_any_event_loop() throws Exception {
        // The checker is live and this test hears it: an event loop blocked on purpose is reported.
        Promise<Void> blocked = Promise.promise();
        vertx.runOnContext(v -> {
            sleep(400);
            blocked.complete();
        });
        blocked.future().await(5, TimeUnit.SECONDS);
        Await.until(() -> !warnings.list.isEmpty());
        sleep(200);
        warnings.list.clear();

        int calls = 16;
        gateway(calls, "k1");
        gemini.on(MODEL, MockGemini.events(EVENT_GAP_MS,
                response(candidate(null, textPart("slow "))),
                response(candidate("STOP", textPart("answer")))));
        long start = System.nanoTime();
        List<CompletableFuture<TestGateway.Response>> answers = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            answers.add(askAsync(hello().put("stream", i % 2 == 0)));
        }
        Await.until(() -> gemini.inFlight.get() == calls);
        // The gateway still answers at once while every call waits on Gemini.
        long healthStart = System.nanoTime();
        assertThat(gw.get("/health").status()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healthStart)).isLessThan(EVENT_GAP_MS);

        for (CompletableFuture<TestGateway.Response> f : answers) {
            TestGateway.Response r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            assertThat(r.body().toString()).contains("answer");
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // One call takes about 2 x EVENT_GAP_MS; run one after another they would take 16 times that.
        assertThat(elapsedMs).isLessThan(calls * 2 * EVENT_GAP_MS / 3);
        // All sixteen were at Gemini together although the provider runs two verticle instances (TestGateway's):
        // the calls do not run on, or queue behind, the instances' own threads.
        assertThat(gemini.maxInFlight.get()).isEqualTo(calls);
        assertThat(warnings.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void should_run_at_most_workers_calls_at_once_and_queue_the_rest() throws Exception {
        gateway(2, "k1");
        gemini.on(MODEL, MockGemini.delayed(300, MockGemini.text("done")));
        List<CompletableFuture<TestGateway.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(askAsync(hello()));
        }
        for (CompletableFuture<TestGateway.Response> f : answers) {
            assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(gemini.calls()).hasSize(5);
        assertThat(gemini.maxInFlight.get()).isEqualTo(2);
    }

    @Test
    void should_reuse_one_sdk_client_per_key_and_close_them_on_undeploy() {
        gateway(4, new JsonObject().put("a", "k1").put("b", "k2"));
        for (int i = 0; i < 6; i++) {
            String alias = i % 2 == 0 ? "a" : "b";
            assertThat(gw.post("/v1/chat/completions", hello().put("alias", alias)).status()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", hello().put("alias", alias).put("stream", true)).status()).isEqualTo(200);
        }
        assertThat(gemini.calls()).extracting(MockGemini.Call::apiKey).containsOnly("k1", "k2").hasSize(12);
        // One client per key, each with one pool: twelve calls over two kept-alive connections. A client per call
        // (as the original built) would have opened a connection per call.
        assertThat(gemini.connections.get()).isEqualTo(2);
        assertThat(gemini.openConnections.get()).isEqualTo(2);

        gw.close();
        gw = null;
        Await.until(() -> gemini.openConnections.get() == 0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
