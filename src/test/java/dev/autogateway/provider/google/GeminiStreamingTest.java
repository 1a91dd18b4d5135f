package dev.autogateway.provider.google;

import static dev.autogateway.provider.google.GoogleFixture.MODEL;
import static dev.autogateway.provider.google.GoogleFixture.chat;
import static dev.autogateway.provider.google.GoogleFixture.chunks;
import static dev.autogateway.provider.google.GoogleFixture.hello;
import static dev.autogateway.provider.google.GoogleFixture.messages;
import static dev.autogateway.provider.google.GoogleFixture.msg;
import static dev.autogateway.provider.google.MockGemini.callPart;
import static dev.autogateway.provider.google.MockGemini.candidate;
import static dev.autogateway.provider.google.MockGemini.response;
import static dev.autogateway.provider.google.MockGemini.textPart;
import static dev.autogateway.provider.google.MockGemini.thoughtPart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.Await;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming through generateContentStream: the OpenAI chunks the client gets for Gemini's SSE events. */
@ExtendWith(VertxExtension.class)
class GeminiStreamingTest {
    private static final String ROUTER = "{\"retries\":0,\"timeout\":10,\"connect_timeout\":1,\"first_byte_timeout\":1,"
            + "\"idle_timeout\":2}";

    private Vertx vertx;
    private MockGemini gemini;
    private MockOpenAi backup;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        gemini = MockGemini.start(vertx);
        backup = MockOpenAi.start(vertx);
        JsonObject models = GoogleFixture.defaultModels().put("m", new JsonArray());
        gw = TestGateway.start(vertx, GoogleFixture.config(ROUTER,
                GoogleFixture.google("gem", gemini, "k-test", models), GoogleFixture.openAi("backup", backup.baseUrl(), "m")));
    }

    @AfterEach
    void stop() {
        gw.close();
        gemini.close();
        backup.close().await();
    }

    private TestGateway.Response stream(JsonObject request) {
        return gw.post("/v1/chat/completions", request.put("stream", true));
    }

    private static JsonObject delta(JsonObject chunk) {
        return chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
    }

    private static Object finish(JsonObject chunk) {
        return chunk.getJsonArray("choices").getJsonObject(0).getValue("finish_reason");
    }

    @Test
    void should_stream_text_deltas_then_the_finish_and_the_usage_chunk() {
        gemini.on(MODEL, MockGemini.events(20,
                response(candidate(null, textPart("Hel"))),
                response(candidate(null, textPart("lo"))),
                response(candidate("STOP", textPart("!"))).put("usageMetadata", MockGemini.usage(7, 3, 2, 1))));
        List<JsonObject> chunks = chunks(stream(hello().put("stream_options", new JsonObject().put("include_usage", true))));

        assertThat(gemini.lastCall().path()).isEqualTo("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse");
        assertThat(chunks).hasSize(6);
        assertThat(delta(chunks.get(0))).isEqualTo(new JsonObject().put("role", "assistant").put("content", ""));
        assertThat(chunks.subList(1, 4)).extracting(c -> delta(c).getString("content")).containsExactly("Hel", "lo", "!");
        assertThat(delta(chunks.get(4))).isEqualTo(new JsonObject());
        assertThat(finish(chunks.get(4))).isEqualTo("stop");
        assertThat(chunks.subList(0, 4)).allSatisfy(c -> assertThat(finish(c)).isNull());
        JsonObject usage = chunks.get(5);
        assertThat(usage.getJsonArray("choices")).isEmpty();
        assertThat(usage.getJsonObject("usage")).isEqualTo(new JsonObject().put("prompt_tokens", 7).put("completion_tokens", 5)
                .put("total_tokens", 12).put("prompt_tokens_details", new JsonObject().put("cached_tokens", 1))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", 2)));
        assertThat(chunks).extracting(c -> c.getString("id")).containsOnly(chunks.get(0).getString("id"));
        assertThat(chunks).extracting(c -> c.getString("object")).containsOnly("chat.completion.chunk");
    }

    @Test
    void should_send_no_usage_chunk_unless_asked() {
        gemini.on(MODEL, MockGemini.answer(response(candidate("STOP", textPart("ok"))).put("usageMetadata", MockGemini.usage(1, 1, 0, 0))));
        List<JsonObject> chunks = chunks(stream(hello()));
        assertThat(chunks).noneMatch(c -> c.containsKey("usage") && c.getValue("usage") != null);
        assertThat(finish(chunks.get(chunks.size() - 1))).isEqualTo("stop");
    }

    @Test
    void should_stream_thoughts_as_reasoning_content() {
        gemini.on(MODEL, MockGemini.answer(
                response(candidate(null, thoughtPart("thinking..."))),
                response(candidate("STOP", textPart("answer")))));
        List<JsonObject> chunks = chunks(stream(hello()));
        assertThat(delta(chunks.get(1))).isEqualTo(new JsonObject().put("reasoning_content", "thinking..."));
        assertThat(delta(chunks.get(2))).isEqualTo(new JsonObject().put("content", "answer"));
    }

    @Test
    void should_stream_tool_calls_as_deltas_with_index_id_type_name_and_arguments() {
        gemini.on(MODEL, MockGemini.events(10,
                response(candidate(null, textPart("Checking."))),
                response(candidate(null, callPart("get_weather", new JsonObject().put("city", "Paris")))),
                response(candidate("STOP", callPart("get_time", new JsonObject().put("tz", "CET"))))));
        List<JsonObject> chunks = chunks(stream(hello()));

        assertThat(delta(chunks.get(1)).getString("content")).isEqualTo("Checking.");
        JsonObject first = delta(chunks.get(2)).getJsonArray("tool_calls").getJsonObject(0);
        JsonObject second = delta(chunks.get(3)).getJsonArray("tool_calls").getJsonObject(0);
        assertThat(first.getInteger("index")).isEqualTo(0);
        assertThat(second.getInteger("index")).isEqualTo(1);
        assertThat(first.getString("id")).startsWith("call_");
        assertThat(second.getString("id")).startsWith("call_").isNotEqualTo(first.getString("id"));
        assertThat(first.getString("type")).isEqualTo("function");
        assertThat(first.getJsonObject("function")).isEqualTo(new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"));
        assertThat(second.getJsonObject("function")).isEqualTo(new JsonObject().put("name", "get_time").put("arguments", "{\"tz\":\"CET\"}"));
        assertThat(finish(chunks.get(4))).isEqualTo("tool_calls");
        assertThat(chunks).hasSize(5);
    }

    @Test
    void should_fail_over_invisibly_when_the_first_event_is_a_malformed_function_call() {
        gemini.on("m", MockGemini.answer(response(candidate("MALFORMED_FUNCTION_CALL"))));
        TestGateway.Response r = stream(chat("m", messages(msg("user", "hi"))));
        assertThat(r.header("x-gateway-provider")).isEqualTo("backup");
        assertThat(chunks(r)).anyMatch(c -> "Hello ".equals(delta(c).getValue("content")));
    }

    @Test
    void should_fail_over_invisibly_on_a_rate_limit_sent_inside_the_stream() {
        gemini.on("m", MockGemini.answer(new JsonObject().put("error", new JsonObject().put("code", 429)
                .put("message", "Resource has been exhausted").put("status", "RESOURCE_EXHAUSTED"))));
        TestGateway.Response r = stream(chat("m", messages(msg("user", "hi"))));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("backup");
    }

    @Test
    void should_fail_over_invisibly_when_gemini_sends_nothing_before_the_first_byte_timeout() {
        gemini.on("m", MockGemini.hang());
        long start = System.nanoTime();
        TestGateway.Response r = stream(chat("m", messages(msg("user", "hi"))));
        assertThat(r.header("x-gateway-provider")).isEqualTo("backup");
        assertThat(chunks(r)).isNotEmpty();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        // The abandoned call was stopped, not left to run: its connection was closed under the hanging answer.
        Await.until(() -> gemini.abandoned.get() == 1);
    }

    @Test
    void should_fail_over_invisibly_when_the_connection_drops_before_any_event() {
        gemini.on("m", MockGemini.cutAfter());
        TestGateway.Response r = stream(chat("m", messages(msg("user", "hi"))));
        assertThat(r.header("x-gateway-provider")).isEqualTo("backup");
    }

    @Test
    void should_end_a_stream_gemini_stalls_mid_answer_at_the_idle_timeout_and_stop_the_call() {
        gemini.on("m", MockGemini.stallAfter(response(candidate(null, textPart("the first ")))));
        backup.on("m", MockOpenAi.status(503, MockOpenAi.error("overloaded", "server_error", null)));
        long start = System.nanoTime();
        TestGateway.Response r = stream(chat("m", messages(msg("user", "hi"))));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.status()).isEqualTo(200);
        List<String> events = r.events();
        assertThat(events).anyMatch(e -> e.contains("the first "));
        assertThat(events).last().isEqualTo("[DONE]");
        JsonObject error = new JsonObject(events.get(events.size() - 2)).getJsonObject("error");
        assertThat(error.getString("code")).as("in-band, after the idle gap").isEqualTo("upstream_timeout");
        assertThat(tookMs).as("idle_timeout is 2 s").isBetween(1_800L, 6_000L);
        Await.until(() -> gemini.abandoned.get() == 1);
    }

    @Test
    void should_never_end_a_stream_without_a_finish_reason_as_a_success() {
        gemini.on(MODEL, MockGemini.answer(response(candidate(null, textPart("half an ans")))));
        TestGateway.Response r = stream(hello());
        List<String> events = r.events();
        assertThat(events).anyMatch(e -> e.contains("\"error\""));
        assertThat(events).noneMatch(e -> e.contains("\"finish_reason\":\"stop\""));
    }

    @Test
    void should_stop_the_gemini_call_when_the_client_goes_away() throws Exception {
        JsonObject[] many = new JsonObject[50];
        for (int i = 0; i < many.length; i++) {
            many[i] = response(candidate(null, textPart("word" + i + " ")));
        }
        gemini.on(MODEL, MockGemini.events(100, many));
        Promise<Void> firstChunk = Promise.promise();
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
                .setURI("/v1/chat/completions");
        HttpClientResponse resp = gw.http.request(o)
                .compose(req -> req.putHeader("content-type", "application/json").send(hello().put("stream", true).toBuffer()))
                .await();
        resp.handler(b -> firstChunk.tryComplete());
        firstChunk.future().await(5, TimeUnit.SECONDS);
        resp.request().connection().close();
        Await.until(() -> gemini.abandoned.get() == 1);
        assertThat(gemini.openConnections.get()).isZero();
    }
}
