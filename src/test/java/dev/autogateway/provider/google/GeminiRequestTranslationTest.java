package dev.autogateway.provider.google;

import static dev.autogateway.provider.google.GoogleFixture.MODEL;
import static dev.autogateway.provider.google.GoogleFixture.chat;
import static dev.autogateway.provider.google.GoogleFixture.hello;
import static dev.autogateway.provider.google.GoogleFixture.message;
import static dev.autogateway.provider.google.GoogleFixture.messages;
import static dev.autogateway.provider.google.GoogleFixture.modelTurn;
import static dev.autogateway.provider.google.GoogleFixture.msg;
import static dev.autogateway.provider.google.GoogleFixture.textPart;
import static dev.autogateway.provider.google.GoogleFixture.userTurn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** OpenAI -> Gemini: the exact JSON the real SDK sent to the mock, for each translation rule. */
@ExtendWith(VertxExtension.class)
class GeminiRequestTranslationTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

    private MockGemini gemini;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        gemini = MockGemini.start(vertx);
        gw = TestGateway.start(vertx, GoogleFixture.config(GoogleFixture.ROUTER,
                GoogleFixture.google("gem", gemini, "k-test", GoogleFixture.defaultModels())
                        .put("extra_body", new JsonObject().put("safetySettings", new JsonArray().add(new JsonObject()
                                .put("category", "HARM_CATEGORY_HARASSMENT").put("threshold", "BLOCK_NONE"))))));
    }

    @AfterEach
    void stop() {
        gw.close();
        gemini.close();
    }

    private MockGemini.Call send(JsonObject request) {
        TestGateway.Response r = gw.post("/v1/chat/completions", request);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return gemini.lastCall();
    }

    private static JsonObject safety() {
        return new JsonObject().put("safetySettings", new JsonArray().add(new JsonObject()
                .put("category", "HARM_CATEGORY_HARASSMENT").put("threshold", "BLOCK_NONE")));
    }

    @Test
    void should_send_a_plain_message_to_the_versioned_path_with_the_key_header() {
        MockGemini.Call call = send(hello());
        assertThat(call.path()).isEqualTo("/v1beta/models/" + MODEL + ":generateContent");
        assertThat(call.apiKey()).isEqualTo("k-test");
        // The SDK always sends a generationConfig once a config is given; empty here, as no parameter was set.
        assertThat(call.body()).isEqualTo(new JsonObject()
                .put("contents", messages(userTurn(textPart("hi"))))
                .put("generationConfig", new JsonObject())
                .mergeIn(safety()));
    }

    @Test
    void should_put_system_and_developer_messages_in_order_into_the_system_instruction() {
        MockGemini.Call call = send(chat(MODEL, messages(
                msg("system", "be brief"),
                msg("user", "q1"),
                msg("developer", new JsonArray().add(new JsonObject().put("type", "text").put("text", "use metric"))),
                msg("user", "q2"))));
        assertThat(call.body().getJsonObject("systemInstruction").getJsonArray("parts"))
                .isEqualTo(messages(textPart("be brief"), textPart("use metric")));
        // The two user messages, no longer separated, form one turn.
        assertThat(call.body().getJsonArray("contents")).isEqualTo(messages(userTurn(textPart("q1"), textPart("q2"))));
    }

    @Test
    void should_map_roles_and_merge_consecutive_turns_of_one_role() {
        MockGemini.Call call = send(chat(MODEL, messages(
                msg("user", "a"), msg("user", "b"), msg("assistant", "c"), msg("assistant", "d"), msg("user", "e"))));
        assertThat(call.body().getJsonArray("contents")).isEqualTo(messages(
                userTurn(textPart("a"), textPart("b")),
                modelTurn(textPart("c"), textPart("d")),
                userTurn(textPart("e"))));
    }

    @Test
    void should_inline_a_data_url_image() {
        String b64 = Base64.getEncoder().encodeToString(PNG);
        MockGemini.Call call = send(chat(MODEL, messages(msg("user", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "what is this?"))
                .add(new JsonObject().put("type", "image_url").put("image_url",
                        new JsonObject().put("url", "data:image/png;base64," + b64).put("detail", "high")))))));
        assertThat(call.body().getJsonArray("contents")).isEqualTo(messages(userTurn(textPart("what is this?"),
                new JsonObject().put("inlineData", new JsonObject().put("data", b64).put("mimeType", "image/png")))));
    }

    @Test
    void should_download_an_http_image_and_inline_it_with_its_content_type() {
        gemini.image("cat.jpg", "image/jpeg; charset=binary", PNG);
        MockGemini.Call call = send(chat(MODEL, messages(msg("user", new JsonArray()
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", gemini.imageUrl("cat.jpg"))))))));
        assertThat(call.body().getJsonArray("contents")).isEqualTo(messages(userTurn(new JsonObject().put("inlineData",
                new JsonObject().put("data", Base64.getEncoder().encodeToString(PNG)).put("mimeType", "image/jpeg")))));
    }

    @Test
    void should_refuse_an_http_image_that_is_missing_or_not_an_image_with_a_400() {
        gemini.image("page.html", "text/html", "<html/>".getBytes(StandardCharsets.UTF_8));
        for (String url : new String[] {gemini.imageUrl("page.html"), gemini.imageUrl("missing.png")}) {
            TestGateway.Response r = gw.post("/v1/chat/completions", chat(MODEL, messages(msg("user", new JsonArray()
                    .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url)))))));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.error().getString("type")).isEqualTo("invalid_request_error");
            assertThat(r.error().getString("message")).contains("Could not use the image");
        }
        assertThat(gemini.calls()).isEmpty();
    }

    @Test
    void should_refuse_an_image_url_with_a_line_break_before_fetching_it() {
        // Java's URL parser takes it, and the break would land in the fetch's request line as a header of its own.
        String url = gemini.imageUrl("cat.jpg") + "\r\nX-Evil: 1";
        TestGateway.Response r = gw.post("/v1/chat/completions", chat(MODEL, messages(msg("user", new JsonArray()
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url)))))));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("message")).contains("is not a valid URL").doesNotContain("X-Evil");
        assertThat(gemini.calls()).isEmpty();
    }

    @Test
    void should_send_audio_and_files_only_to_models_with_the_media_feature() {
        JsonArray content = new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "transcribe"))
                .add(new JsonObject().put("type", "input_audio").put("input_audio", new JsonObject().put("data", "AAEC").put("format", "wav")))
                .add(new JsonObject().put("type", "file").put("file", new JsonObject().put("filename", "a.pdf")
                        .put("file_data", "data:application/pdf;base64,JVBERg==")));
        MockGemini.Call media = send(chat(MODEL, messages(msg("user", content))));
        assertThat(media.body().getJsonArray("contents")).isEqualTo(messages(userTurn(textPart("transcribe"),
                new JsonObject().put("inlineData", new JsonObject().put("data", "AAEC").put("mimeType", "audio/wav")),
                new JsonObject().put("inlineData", new JsonObject().put("data", "JVBERg==").put("mimeType", "application/pdf")))));

        MockGemini.Call textOnly = send(chat("gemini-text-only", messages(msg("user", content))));
        assertThat(textOnly.body().getJsonArray("contents")).isEqualTo(messages(userTurn(textPart("transcribe"))));
    }

    @Test
    void should_declare_tools_with_their_json_schema_and_map_each_tool_choice() {
        JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("city", new JsonObject().put("type", "string"))).put("required", new JsonArray().add("city"))
                .put("additionalProperties", false);
        JsonArray tools = new JsonArray()
                .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")
                        .put("description", "Weather for a city").put("parameters", schema)))
                .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "now")));
        JsonObject expectedTools = new JsonObject().put("functionDeclarations", new JsonArray()
                .add(new JsonObject().put("description", "Weather for a city").put("name", "get_weather").put("parametersJsonSchema", schema))
                .add(new JsonObject().put("name", "now")));

        MockGemini.Call noChoice = send(hello().put("tools", tools));
        assertThat(noChoice.body().getJsonArray("tools")).isEqualTo(new JsonArray().add(expectedTools));
        assertThat(noChoice.body().containsKey("toolConfig")).isFalse();

        Object[][] cases = {
            {"none", new JsonObject().put("mode", "NONE")},
            {"auto", new JsonObject().put("mode", "AUTO")},
            {"required", new JsonObject().put("mode", "ANY")},
            {new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")),
                new JsonObject().put("allowedFunctionNames", new JsonArray().add("get_weather")).put("mode", "ANY")},
        };
        for (Object[] c : cases) {
            MockGemini.Call call = send(hello().put("tools", tools).put("tool_choice", c[0]));
            assertThat(call.body().getJsonObject("toolConfig")).as(String.valueOf(c[0]))
                    .isEqualTo(new JsonObject().put("functionCallingConfig", c[1]));
        }
    }

    @Test
    void should_map_the_generation_parameters_and_ignore_unsupported_ones() {
        MockGemini.Call call = send(hello()
                .put("temperature", 0.2).put("top_p", 0.9).put("max_tokens", 50).put("max_completion_tokens", 100)
                .put("stop", new JsonArray().add("END")).put("n", 1).put("seed", 42)
                .put("presence_penalty", 0.5).put("frequency_penalty", -0.5)
                .put("response_format", new JsonObject().put("type", "json_object"))
                .put("logit_bias", new JsonObject().put("50256", -100)).put("user", "u-1").put("parallel_tool_calls", false));
        assertThat(call.body().getJsonObject("generationConfig")).isEqualTo(new JsonObject()
                .put("candidateCount", 1).put("frequencyPenalty", -0.5).put("maxOutputTokens", 100)
                .put("presencePenalty", 0.5).put("responseMimeType", "application/json").put("seed", 42)
                .put("stopSequences", new JsonArray().add("END")).put("temperature", 0.2).put("topP", 0.9));
        assertThat(call.body().fieldNames()).containsExactlyInAnyOrder("contents", "generationConfig", "safetySettings");
    }

    @Test
    void should_map_a_json_schema_response_format_and_a_single_stop_string() {
        JsonObject schema = new JsonObject().put("type", "object").put("properties",
                new JsonObject().put("answer", new JsonObject().put("type", "string")));
        MockGemini.Call call = send(hello().put("stop", "STOP!").put("max_tokens", 7).put("response_format",
                new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject().put("name", "a").put("schema", schema))));
        assertThat(call.body().getJsonObject("generationConfig")).isEqualTo(new JsonObject()
                .put("maxOutputTokens", 7).put("responseJsonSchema", schema).put("responseMimeType", "application/json")
                .put("stopSequences", new JsonArray().add("STOP!")));
    }

    @Test
    void should_read_openai_fields_from_extra_body_and_pass_gemini_fields_through() {
        MockGemini.Call call = send(hello().put("temperature", 0.9).put("extra_body", new JsonObject()
                .put("temperature", 0.1)
                .put("generationConfig", new JsonObject().put("thinkingConfig", new JsonObject().put("includeThoughts", true)))));
        // Gemini's own keys are deep-merged into the request the SDK built; OpenAI's are translated (request wins).
        assertThat(call.body().getJsonObject("generationConfig")).isEqualTo(new JsonObject()
                .put("temperature", 0.1).put("thinkingConfig", new JsonObject().put("includeThoughts", true)));
        assertThat(call.body().getJsonArray("safetySettings")).isEqualTo(safety().getJsonArray("safetySettings"));
    }

    @Test
    void should_replay_tool_calls_as_function_calls_and_name_tool_results_from_their_call() {
        JsonObject assistant = new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", new JsonArray()
                .add(toolCall("call_a", "get_weather", "{\"city\":\"Paris\"}"))
                .add(toolCall("call_b", "get_time", "{\"tz\":\"CET\"}")));
        MockGemini.Call call = send(chat(MODEL, messages(
                msg("user", "weather and time in Paris?"),
                assistant,
                new JsonObject().put("role", "tool").put("tool_call_id", "call_b").put("content", "{\"time\":\"12:00\"}"),
                new JsonObject().put("role", "tool").put("tool_call_id", "call_a").put("content", "sunny"))));
        String sentinel = Base64.getEncoder().encodeToString("skip_thought_signature_validator".getBytes(StandardCharsets.UTF_8));
        assertThat(call.body().getJsonArray("contents")).isEqualTo(messages(
                userTurn(textPart("weather and time in Paris?")),
                modelTurn(
                        new JsonObject().put("functionCall", new JsonObject().put("args", new JsonObject().put("city", "Paris"))
                                .put("name", "get_weather")).put("thoughtSignature", sentinel),
                        new JsonObject().put("functionCall", new JsonObject().put("args", new JsonObject().put("tz", "CET"))
                                .put("name", "get_time")).put("thoughtSignature", sentinel)),
                userTurn(
                        new JsonObject().put("functionResponse", new JsonObject().put("name", "get_time")
                                .put("response", new JsonObject().put("time", "12:00"))),
                        new JsonObject().put("functionResponse", new JsonObject().put("name", "get_weather")
                                .put("response", new JsonObject().put("result", "sunny"))))));
    }

    @Test
    void should_refuse_a_tool_result_whose_call_is_unknown() {
        TestGateway.Response r = gw.post("/v1/chat/completions", chat(MODEL, messages(msg("user", "x"),
                new JsonObject().put("role", "tool").put("tool_call_id", "call_nope").put("content", "1"))));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("param")).isEqualTo("messages[1].tool_call_id");
        assertThat(gemini.calls()).isEmpty();
    }

    static JsonObject toolCall(String id, String name, String arguments) {
        return new JsonObject().put("id", id).put("type", "function")
                .put("function", new JsonObject().put("name", name).put("arguments", arguments));
    }

    @Test
    void should_answer_through_the_sdk() {
        assertThat(message(gw.post("/v1/chat/completions", hello())).getString("content")).isEqualTo("Hello from " + MODEL);
    }
}
