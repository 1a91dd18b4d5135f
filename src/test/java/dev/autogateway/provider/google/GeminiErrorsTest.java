package dev.autogateway.provider.google;

import static dev.autogateway.provider.google.GoogleFixture.MODEL;
import static dev.autogateway.provider.google.GoogleFixture.chat;
import static dev.autogateway.provider.google.GoogleFixture.hello;
import static dev.autogateway.provider.google.GoogleFixture.message;
import static dev.autogateway.provider.google.GoogleFixture.messages;
import static dev.autogateway.provider.google.GoogleFixture.msg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.Await;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gemini's errors through the real SDK, as the router sees them: a client error comes back as an OpenAI 400, a bad
 * key moves to the next key, a rate limit or server error moves to the next provider, and the SDK never retries.
 */
@ExtendWith(VertxExtension.class)
class GeminiErrorsTest {
    private Vertx vertx;
    private MockGemini gemini;
    private MockOpenAi openai;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        gemini = MockGemini.start(vertx);
        openai = MockOpenAi.start(vertx);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        gemini.close();
        openai.close().await();
    }

    /** Gemini (keys k1, k2) serves "m" and MODEL; the OpenAI-compatible provider serves "m" after it. */
    private void geminiThenOpenAi(String router) {
        gw = TestGateway.start(vertx, GoogleFixture.config(router,
                GoogleFixture.google("gem", gemini, new JsonArray().add("k1").add("k2"),
                        GoogleFixture.defaultModels().put("m", new JsonArray())),
                GoogleFixture.openAi("oai", openai.baseUrl(), "m")));
    }

    private TestGateway.Response ask(String model) {
        return gw.post("/v1/chat/completions", chat(model, messages(msg("user", "hi"))));
    }

    @Test
    void should_return_an_invalid_argument_to_the_client_as_an_openai_400_without_failing_over() {
        geminiThenOpenAi(GoogleFixture.ROUTER);
        gemini.on("m", MockGemini.error(400, "INVALID_ARGUMENT", "Invalid value at 'generation_config.temperature' (TYPE_FLOAT)"));
        TestGateway.Response r = ask("m");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo(new JsonObject()
                .put("message", "Invalid value at 'generation_config.temperature' (TYPE_FLOAT)")
                .put("type", "invalid_request_error").put("param", null).put("code", "invalid_argument"));
        assertThat(gemini.calls()).hasSize(1);
        assertThat(openai.requests()).isEmpty();
    }

    @Test
    void should_disable_a_rejected_key_and_use_the_next_one() {
        geminiThenOpenAi(GoogleFixture.ROUTER);
        MockGemini.Behavior byKey = (v, req, call) -> {
            if ("k1".equals(call.apiKey())) {
                MockGemini.googleError(req.response(), 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
            } else {
                MockGemini.text("served with " + call.apiKey()).respond(v, req, call);
            }
        };
        gemini.on(MODEL, byKey);
        assertThat(message(ask(MODEL)).getString("content")).isEqualTo("served with k2");
        assertThat(message(ask(MODEL)).getString("content")).isEqualTo("served with k2");
        // The second request did not try k1 again: it is cooling down after its 401.
        assertThat(gemini.calls()).extracting(MockGemini.Call::apiKey).containsExactly("k1", "k2", "k2");
    }

    @Test
    void should_treat_geminis_api_key_not_valid_400_as_a_bad_key() {
        geminiThenOpenAi(GoogleFixture.ROUTER);
        MockGemini.Behavior byKey = (v, req, call) -> {
            if ("k1".equals(call.apiKey())) {
                MockGemini.googleError(req.response(), 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
            } else {
                MockGemini.text("ok").respond(v, req, call);
            }
        };
        gemini.on(MODEL, byKey);
        assertThat(message(ask(MODEL)).getString("content")).isEqualTo("ok");
        assertThat(gemini.calls()).extracting(MockGemini.Call::apiKey).containsExactly("k1", "k2");
    }

    @Test
    void should_fail_over_from_gemini_to_openai_on_a_rate_limit_with_one_request_per_key() {
        geminiThenOpenAi(GoogleFixture.ROUTER);
        gemini.on("m", MockGemini.error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."));
        TestGateway.Response r = ask("m");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("oai");
        assertThat(message(r).getString("content")).isEqualTo("Hello from m");
        // One request per key: the SDK's own retries (5 by default, about 30 s on a 429) are off.
        assertThat(gemini.calls()).extracting(MockGemini.Call::apiKey).containsExactly("k1", "k2");
    }

    @Test
    void should_fail_over_from_openai_to_gemini() {
        gw = TestGateway.start(vertx, GoogleFixture.config(GoogleFixture.ROUTER,
                GoogleFixture.openAi("oai", openai.baseUrl(), "m"),
                GoogleFixture.google("gem", gemini, "k1", new JsonObject().put("m", new JsonArray()))));
        openai.on("m", MockOpenAi.status(503, MockOpenAi.error("overloaded", "server_error", null)));
        TestGateway.Response r = ask("m");
        assertThat(r.header("x-gateway-provider")).isEqualTo("gem");
        assertThat(message(r).getString("content")).isEqualTo("Hello from m");
        assertThat(openai.requests()).hasSize(1);
    }

    @Test
    void should_retry_a_server_error_then_fail_over() {
        geminiThenOpenAi("{\"retries\":1,\"timeout\":10,\"connect_timeout\":1}");
        gemini.on("m", MockGemini.error(500, "INTERNAL", "An internal error has occurred."));
        long start = System.nanoTime();
        TestGateway.Response r = ask("m");
        assertThat(r.header("x-gateway-provider")).isEqualTo("oai");
        // Two tries on each key's target (the router's retry), never the SDK's...
        assertThat(gemini.calls()).hasSize(4);
        // ...and no SDK backoff either: with only attempts(1), SDK 2.0.0 sleeps 0-2 s after each failed call
        // (about 4 s over these four), which would delay every failover.
        assertThat(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    }

    @Test
    void should_answer_503_when_gemini_is_overloaded_and_nothing_else_serves_the_model() {
        geminiThenOpenAi(GoogleFixture.ROUTER);
        gemini.on(MODEL, MockGemini.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."));
        TestGateway.Response r = ask(MODEL);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.error().getString("message")).contains("The model is overloaded");
    }

    @Test
    void should_classify_an_unreachable_endpoint_as_a_network_error() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        gw = TestGateway.start(vertx, GoogleFixture.config(GoogleFixture.ROUTER, new JsonObject().put("name", "gem")
                .put("type", "google").put("base_url", "http://127.0.0.1:" + closed).put("api_key", "k1")
                .put("models", new JsonArray().add(MODEL))));
        TestGateway.Response r = ask(MODEL);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.error().getString("message")).contains("cannot connect to Gemini");
    }

    @Test
    void should_fail_over_when_a_non_streaming_call_outlives_its_attempt_timeout() {
        geminiThenOpenAi("{\"retries\":0,\"timeout\":10,\"attempt_timeout\":0.5}");
        gemini.on("m", MockGemini.hang());
        TestGateway.Response r = ask("m");
        assertThat(r.header("x-gateway-provider")).isEqualTo("oai");
        Await.until(() -> gemini.abandoned.get() == 2);
    }

    @Test
    void should_word_every_error_as_an_openai_error_object() {
        geminiThenOpenAi(GoogleFixture.ROUTER);
        gemini.on(MODEL, MockGemini.error(404, "NOT_FOUND", "models/gemini-2.5-flash is not found for API version v1beta"));
        TestGateway.Response r = gw.post("/v1/chat/completions", hello());
        assertThat(r.status()).isGreaterThanOrEqualTo(400);
        assertThat(r.error().fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    }
}
