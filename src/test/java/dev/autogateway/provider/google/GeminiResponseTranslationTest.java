package dev.autogateway.provider.google;

import static dev.autogateway.provider.google.GoogleFixture.MODEL;
import static dev.autogateway.provider.google.GoogleFixture.chat;
import static dev.autogateway.provider.google.GoogleFixture.hello;
import static dev.autogateway.provider.google.GoogleFixture.message;
import static dev.autogateway.provider.google.GoogleFixture.messages;
import static dev.autogateway.provider.google.GoogleFixture.msg;
import static dev.autogateway.provider.google.MockGemini.callPart;
import static dev.autogateway.provider.google.MockGemini.candidate;
import static dev.autogateway.provider.google.MockGemini.response;
import static dev.autogateway.provider.google.MockGemini.textPart;
import static dev.autogateway.provider.google.MockGemini.thoughtPart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Gemini -> OpenAI for non-streaming answers, as the client receives them from the gateway. */
@ExtendWith(VertxExtension.class)
class GeminiResponseTranslationTest {
    private MockGemini gemini;
    private MockOpenAi backup;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        gemini = MockGemini.start(vertx);
        backup = MockOpenAi.start(vertx);
        // "m" is served by Gemini first, then by an OpenAI-compatible backup: a failed Gemini answer falls over to it.
        JsonObject models = GoogleFixture.defaultModels().put("m", new JsonArray());
        gw = TestGateway.start(vertx, GoogleFixture.config(GoogleFixture.ROUTER,
                GoogleFixture.google("gem", gemini, "k-test", models), GoogleFixture.openAi("backup", backup.baseUrl(), "m")));
    }

    @AfterEach
    void stop() {
        gw.close();
        gemini.close();
        backup.close().await();
    }

    private TestGateway.Response ask(JsonObject request) {
        return gw.post("/v1/chat/completions", request);
    }

    @Test
    void should_concatenate_every_text_part_and_return_thoughts_as_reasoning_content() {
        gemini.on(MODEL, MockGemini.answer(response(candidate("STOP",
                thoughtPart("Let me think. "), thoughtPart("Done."), textPart("Hello, "), textPart("world"), textPart("!")))));
        TestGateway.Response r = ask(hello());
        JsonObject message = message(r);
        assertThat(message.getString("content")).isEqualTo("Hello, world!");
        assertThat(message.getString("reasoning_content")).isEqualTo("Let me think. Done.");
        assertThat(message.getString("role")).isEqualTo("assistant");
        JsonObject body = r.json();
        assertThat(body.getString("object")).isEqualTo("chat.completion");
        assertThat(body.getString("id")).startsWith("chatcmpl-");
        assertThat(body.getString("model")).isEqualTo(MODEL);
        assertThat(body.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        assertThat(r.header("x-gateway-provider")).isEqualTo("gem");
    }

    @Test
    void should_turn_function_calls_into_tool_calls_with_call_ids_and_json_arguments() {
        byte[] signature = "sig-1".getBytes(StandardCharsets.UTF_8);
        gemini.on(MODEL, MockGemini.answer(response(candidate("STOP",
                callPart("get_weather", new JsonObject().put("city", "Paris").put("days", 2)
                        .put("opts", new JsonObject().put("units", "metric")))
                        .put("thoughtSignature", Base64.getEncoder().encodeToString(signature)),
                callPart("get_time", new JsonObject())))));
        TestGateway.Response r = ask(hello());
        JsonObject message = message(r);
        assertThat(message.getValue("content")).isNull();
        assertThat(r.json().getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("tool_calls");
        JsonArray calls = message.getJsonArray("tool_calls");
        assertThat(calls).hasSize(2);
        JsonObject first = calls.getJsonObject(0);
        assertThat(first.getString("id")).matches("call_[0-9a-f]{24}");
        assertThat(first.getString("type")).isEqualTo("function");
        assertThat(first.getJsonObject("function").getString("name")).isEqualTo("get_weather");
        assertThat(new JsonObject(first.getJsonObject("function").getString("arguments")))
                .isEqualTo(new JsonObject().put("city", "Paris").put("days", 2).put("opts", new JsonObject().put("units", "metric")));
        assertThat(first.getJsonObject("extra_content").getJsonObject("google").getString("thought_signature"))
                .isEqualTo(Base64.getEncoder().encodeToString(signature));
        assertThat(calls.getJsonObject(1).getJsonObject("function").getString("arguments")).isEqualTo("{}");
        assertThat(calls.getJsonObject(1).containsKey("extra_content")).isFalse();
        assertThat(calls.getJsonObject(1).getString("id")).isNotEqualTo(first.getString("id"));
    }

    @Test
    void should_complete_a_tool_round_trip_replaying_the_thought_signature() {
        String signature = Base64.getEncoder().encodeToString("real-signature".getBytes(StandardCharsets.UTF_8));
        gemini.on(MODEL,
                MockGemini.answer(response(candidate("STOP", callPart("get_weather", new JsonObject().put("city", "Paris"))
                        .put("thoughtSignature", signature)))),
                MockGemini.answer(response(candidate("STOP", textPart("It is sunny in Paris.")))));
        JsonArray history = messages(msg("user", "Weather in Paris?"));
        JsonObject tools = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")
                .put("parameters", new JsonObject().put("type", "object")));

        JsonObject assistant = message(ask(chat(MODEL, history).put("tools", new JsonArray().add(tools))));
        JsonObject call = assistant.getJsonArray("tool_calls").getJsonObject(0);
        history.add(assistant);
        history.add(new JsonObject().put("role", "tool").put("tool_call_id", call.getString("id")).put("content", "{\"sky\":\"sunny\"}"));

        JsonObject answer = message(ask(chat(MODEL, history).put("tools", new JsonArray().add(tools))));
        assertThat(answer.getString("content")).isEqualTo("It is sunny in Paris.");
        JsonArray contents = gemini.lastCall().body().getJsonArray("contents");
        assertThat(contents.getJsonObject(1)).isEqualTo(new JsonObject().put("parts", new JsonArray().add(new JsonObject()
                .put("functionCall", new JsonObject().put("args", new JsonObject().put("city", "Paris")).put("name", "get_weather"))
                .put("thoughtSignature", signature))).put("role", "model"));
        assertThat(contents.getJsonObject(2)).isEqualTo(new JsonObject().put("parts", new JsonArray().add(new JsonObject()
                .put("functionResponse", new JsonObject().put("name", "get_weather").put("response", new JsonObject().put("sky", "sunny")))))
                .put("role", "user"));
    }

    @Test
    void should_map_each_finish_reason() {
        Map<String, String> expected = Map.of(
                "STOP", "stop", "MAX_TOKENS", "length", "SAFETY", "content_filter", "RECITATION", "content_filter",
                "BLOCKLIST", "content_filter", "PROHIBITED_CONTENT", "content_filter", "SPII", "content_filter",
                "OTHER", "stop", "LANGUAGE", "stop");
        expected.forEach((gemini, openai) -> {
            this.gemini.on(MODEL, MockGemini.answer(response(candidate(gemini, textPart("x")))));
            TestGateway.Response r = ask(hello());
            assertThat(r.status()).as(gemini).isEqualTo(200);
            assertThat(r.json().getJsonArray("choices").getJsonObject(0).getString("finish_reason")).as(gemini).isEqualTo(openai);
        });
    }

    @Test
    void should_fail_over_when_gemini_ends_with_a_malformed_function_call() {
        gemini.on("m", MockGemini.answer(response(candidate("MALFORMED_FUNCTION_CALL", textPart("")).put("finishMessage", "bad call"))));
        TestGateway.Response r = ask(chat("m", messages(msg("user", "hi"))));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("backup");
        assertThat(message(r).getString("content")).isEqualTo("Hello from m");
        assertThat(gemini.calls()).hasSize(1);
    }

    @Test
    void should_report_an_answer_refused_for_its_prompt_as_content_filter() {
        gemini.on(MODEL, MockGemini.answer(new JsonObject().put("promptFeedback", new JsonObject().put("blockReason", "SAFETY"))
                .put("usageMetadata", MockGemini.usage(5, 0, 0, 0))));
        TestGateway.Response r = ask(hello());
        assertThat(message(r).getValue("content")).isNull();
        assertThat(r.json().getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("content_filter");
    }

    @Test
    void should_report_usage_with_reasoning_and_cached_tokens() {
        gemini.on(MODEL, MockGemini.answer(response(candidate("STOP", textPart("ok")))
                .put("usageMetadata", MockGemini.usage(100, 20, 30, 40))));
        JsonObject usage = ask(hello()).json().getJsonObject("usage");
        assertThat(usage).isEqualTo(new JsonObject()
                .put("prompt_tokens", 100).put("completion_tokens", 50).put("total_tokens", 150)
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 40))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", 30)));
    }

    @Test
    void should_return_one_choice_per_candidate() {
        gemini.on(MODEL, MockGemini.answer(response(
                candidate("STOP", textPart("one")).put("index", 0),
                candidate("MAX_TOKENS", textPart("two")).put("index", 1))));
        JsonArray choices = ask(hello().put("n", 2)).json().getJsonArray("choices");
        assertThat(choices).hasSize(2);
        assertThat(choices.getJsonObject(1).getInteger("index")).isEqualTo(1);
        assertThat(choices.getJsonObject(1).getJsonObject("message").getString("content")).isEqualTo("two");
        assertThat(choices.getJsonObject(1).getString("finish_reason")).isEqualTo("length");
    }
}
