package dev.autogateway.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official OpenAI Java SDK, configured with nothing but the gateway's base URL and key, against a real gateway
 * in front of a mock upstream that speaks OpenAI's wire format. Every parsed response is also run through the SDK's
 * own {@code validate()}, which fails on any missing required field or wrong type.
 */
@ExtendWith(VertxExtension.class)
class OpenAiJavaSdkTest {
    static final String MODEL = "gpt-4o-mini";
    static final String GATEWAY_KEY = "gw-key";
    static final String UPSTREAM_KEY = "sk-upstream";
    static final String CALL_ID = "call_Wx8Lq3ZbV1sT9kPq";
    /** A 1x1 transparent PNG. */
    static final String IMAGE_DATA_URL = "data:image/png;base64,"
            + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    MockOpenAi mock;
    TestGateway gw;
    OpenAIClient client;

    /** A gateway with a client key, in front of one mock upstream serving {@link #MODEL} with vision and tools. */
    static String gatewayConfig(MockOpenAi mock) {
        return new JsonObject()
                .put("server", new JsonObject().put("host", "127.0.0.1").put("api_key", GATEWAY_KEY))
                .put("router", new JsonObject().put("strategy", "sequential").put("retries", 1).put("timeout", 30))
                .put("providers", new JsonArray().add(new JsonObject()
                        .put("name", "mock")
                        .put("type", "openai_compatible")
                        .put("base_url", mock.baseUrl())
                        .put("api_key", UPSTREAM_KEY)
                        .put("models", new JsonObject().put(MODEL, new JsonArray().add("vision").add("tool_calls")))))
                .encode();
    }

    @BeforeEach
    void start(Vertx vertx) {
        mock = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, gatewayConfig(mock));
        client = OpenAIOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(GATEWAY_KEY).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (gw != null) {
            gw.close();
        }
        if (mock != null) {
            mock.close().await();
        }
    }

    // ---- scenarios ----

    @Test
    void a_plain_completion_parses_and_validates() {
        mock.on(MODEL, MockOpenAi.answer("Hello from the mock upstream."));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addSystemMessage("You are terse.")
                .addUserMessage("Say hello.")
                .temperature(0.2)
                .build());

        completion.validate();
        assertThat(completion.id()).isNotBlank();
        assertThat(completion.model()).isEqualTo(MODEL);
        assertThat(completion.created()).isPositive();
        assertThat(completion.choices()).hasSize(1);
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.index()).isZero();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(choice.message().content()).contains("Hello from the mock upstream.");
        assertThat(choice.message().toolCalls()).isEmpty();
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(5);
        assertThat(usage.completionTokens()).isEqualTo(7);
        assertThat(usage.totalTokens()).isEqualTo(12);

        MockOpenAi.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.headers().get("Authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(upstream.body().getString("model")).isEqualTo(MODEL);
        assertThat(upstream.body().getDouble("temperature")).isEqualTo(0.2);
        assertThat(upstream.body().getJsonArray("messages")).isEqualTo(new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", "You are terse."))
                .add(new JsonObject().put("role", "user").put("content", "Say hello.")));
    }

    @Test
    void a_streamed_completion_arrives_as_chunks_that_add_up_to_the_text() {
        mock.on(MODEL, MockOpenAi.answer("one two three four"));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Count to four.").build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunks.add(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }

        assertThat(text.toString()).isEqualTo("one two three four");
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(4);
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo(MODEL));
        assertThat(chunks.get(0).choices().get(0).delta().role()).contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices().get(0).finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        assertThat(onlyUpstreamRequest().body().getBoolean("stream")).isTrue();
    }

    @Test
    void a_stream_with_include_usage_ends_with_a_usage_chunk_the_sdk_parses() {
        mock.on(MODEL, MockOpenAi.answer("counted tokens"));

        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Hi.")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }

        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(5);
        assertThat(usage.completionTokens()).isEqualTo(7);
        assertThat(usage.totalTokens()).isEqualTo(12);
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.usage()).isEmpty());

        ChatCompletion whole = accumulator.chatCompletion().validate();
        assertThat(whole.choices().get(0).message().content()).contains("counted tokens");
        assertThat(whole.usage()).contains(usage);
        assertThat(onlyUpstreamRequest().body().getJsonObject("stream_options"))
                .isEqualTo(new JsonObject().put("include_usage", true));
    }

    @Test
    void a_tool_call_answer_parses_into_id_type_name_and_json_arguments() {
        mock.on(MODEL, MockOpenAi.completionWith(new JsonObject()
                .put("role", "assistant")
                .putNull("content")
                .put("tool_calls", new JsonArray().add(new JsonObject()
                        .put("id", CALL_ID)
                        .put("type", "function")
                        .put("function", new JsonObject().put("name", "get_weather")
                                .put("arguments", "{\"city\":\"Paris\",\"unit\":\"celsius\"}"))))
                .putNull("refusal")
                .put("annotations", new JsonArray()), "tool_calls"));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("What is the weather in Paris?")
                .addTool(weatherTool())
                .build());

        completion.validate();
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).isFunction()).isTrue();
        ChatCompletionMessageFunctionToolCall call = calls.get(0).asFunction().validate();
        assertThat(call.id()).isEqualTo(CALL_ID);
        assertThat(call._type()).isEqualTo(JsonValue.from("function"));
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.function().arguments()))
                .isEqualTo(new JsonObject().put("city", "Paris").put("unit", "celsius"));

        JsonArray tools = onlyUpstreamRequest().body().getJsonArray("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.getJsonObject(0).getString("type")).isEqualTo("function");
        assertThat(tools.getJsonObject(0).getJsonObject("function").getString("name")).isEqualTo("get_weather");
        assertThat(tools.getJsonObject(0).getJsonObject("function").getJsonObject("parameters"))
                .isEqualTo(weatherParametersJson());
    }

    @Test
    void a_tool_call_from_an_upstream_that_omits_type_and_sends_empty_content_still_validates() {
        // Some OpenAI-compatible servers (older vLLM, Ollama) answer like this; the gateway fills in OpenAI's format.
        mock.on(MODEL, MockOpenAi.completionWith(new JsonObject()
                .put("role", "assistant")
                .put("content", "")
                .put("tool_calls", new JsonArray().add(new JsonObject()
                        .put("id", CALL_ID)
                        .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Oslo\"}")))),
                "tool_calls"));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("Weather in Oslo?").addTool(weatherTool()).build());

        completion.validate();
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.message().content()).isEmpty();
        assertThat(choice.message().refusal()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction().validate();
        assertThat(call._type()).isEqualTo(JsonValue.from("function"));
        assertThat(call.id()).isEqualTo(CALL_ID);
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Oslo\"}");
    }

    @Test
    void a_streamed_tool_call_accumulates_its_argument_fragments_into_one_call() {
        String[] fragments = {"{\"ci", "ty\": \"Pa", "ris\", \"unit\"", ": \"celsius\"}"};
        List<String> events = new ArrayList<>();
        events.add(toolChunk(new JsonObject()
                .put("role", "assistant")
                .putNull("content")
                .put("tool_calls", new JsonArray().add(new JsonObject()
                        .put("index", 0)
                        .put("id", CALL_ID)
                        .put("type", "function")
                        .put("function", new JsonObject().put("name", "get_weather").put("arguments", ""))))
                .putNull("refusal"), null));
        for (String f : fragments) {
            events.add(toolChunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject()
                    .put("index", 0)
                    .put("function", new JsonObject().put("arguments", f)))), null));
        }
        events.add(toolChunk(new JsonObject(), "tool_calls"));
        events.add("[DONE]");
        mock.on(MODEL, MockOpenAi.events(5, events.toArray(String[]::new)));

        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Weather in Paris?")
                        .addTool(weatherTool()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }

        assertThat(chunks).hasSize(fragments.length + 2);
        ChatCompletionChunk.Choice.Delta.ToolCall first = chunks.get(0).choices().get(0).delta().toolCalls().orElseThrow().get(0);
        assertThat(first.id()).contains(CALL_ID);
        assertThat(first.type()).contains(ChatCompletionChunk.Choice.Delta.ToolCall.Type.FUNCTION);
        for (int i = 1; i <= fragments.length; i++) {
            ChatCompletionChunk.Choice.Delta.ToolCall part = chunks.get(i).choices().get(0).delta().toolCalls().orElseThrow().get(0);
            assertThat(part.index()).isZero();
            assertThat(part.function().orElseThrow().arguments()).contains(fragments[i - 1]);
        }

        ChatCompletion whole = accumulator.chatCompletion().validate();
        ChatCompletion.Choice choice = whole.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        ChatCompletionMessageFunctionToolCall call = calls.get(0).asFunction();
        assertThat(call.id()).isEqualTo(CALL_ID);
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo(String.join("", fragments));
        assertThat(new JsonObject(call.function().arguments()))
                .isEqualTo(new JsonObject().put("city", "Paris").put("unit", "celsius"));
    }

    @Test
    void an_image_content_part_reaches_the_upstream_unchanged() {
        mock.on(MODEL, MockOpenAi.answer("A transparent pixel."));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is in this image?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url(IMAGE_DATA_URL)
                                        .detail(ChatCompletionContentPartImage.ImageUrl.Detail.LOW)
                                        .build())
                                .build())))
                .build());

        completion.validate();
        assertThat(completion.choices().get(0).message().content()).contains("A transparent pixel.");
        JsonArray messages = onlyUpstreamRequest().body().getJsonArray("messages");
        assertThat(messages).isEqualTo(new JsonArray().add(new JsonObject()
                .put("role", "user")
                .put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "What is in this image?"))
                        .add(new JsonObject().put("type", "image_url").put("image_url",
                                new JsonObject().put("url", IMAGE_DATA_URL).put("detail", "low"))))));
    }

    @Test
    void a_tool_result_turn_reaches_the_upstream_with_its_tool_call_id_and_the_assistant_tool_calls_intact() {
        mock.on(MODEL, MockOpenAi.answer("It is 18 degrees and sunny in Paris."));
        ChatCompletionMessageFunctionToolCall call = ChatCompletionMessageFunctionToolCall.builder()
                .id(CALL_ID)
                .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                        .name("get_weather")
                        .arguments("{\"city\":\"Paris\"}")
                        .build())
                .build();

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL)
                .addUserMessage("What is the weather in Paris?")
                .addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(call).build())
                .addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(CALL_ID)
                        .content("{\"temperature\":18,\"sky\":\"sunny\"}")
                        .build())
                .addTool(weatherTool())
                .build());

        completion.validate();
        assertThat(completion.choices().get(0).message().content()).contains("It is 18 degrees and sunny in Paris.");
        JsonArray messages = onlyUpstreamRequest().body().getJsonArray("messages");
        assertThat(messages).hasSize(3);
        JsonObject assistant = messages.getJsonObject(1);
        assertThat(assistant.getString("role")).isEqualTo("assistant");
        assertThat(assistant.getJsonArray("tool_calls")).isEqualTo(new JsonArray().add(new JsonObject()
                .put("id", CALL_ID)
                .put("function", new JsonObject().put("arguments", "{\"city\":\"Paris\"}").put("name", "get_weather"))
                .put("type", "function")));
        assertThat(messages.getJsonObject(2)).isEqualTo(new JsonObject()
                .put("role", "tool")
                .put("tool_call_id", CALL_ID)
                .put("content", "{\"temperature\":18,\"sky\":\"sunny\"}"));
    }

    @Test
    void an_unknown_model_throws_not_found_with_openais_error_fields() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model").addUserMessage("Hi.").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.type()).contains("invalid_request_error");
                    assertThat(e.param()).contains("model");
                    assertThat(e.getMessage()).contains("no-such-model");
                });
        assertThat(mock.requests()).isEmpty();
    }

    @Test
    void a_streamed_request_for_an_unknown_model_throws_not_found_before_any_chunk() {
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("no-such-model").addUserMessage("Hi.").build())) {
                stream.stream().forEach(c -> { });
            }
        }).isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void an_upstream_bad_request_comes_back_as_bad_request_with_the_upstreams_wording() {
        mock.on(MODEL, MockOpenAi.status(400, new JsonObject().put("error", new JsonObject()
                .put("message", "Invalid 'messages[0].content': string too long.")
                .put("type", "invalid_request_error")
                .put("param", "messages[0].content")
                .put("code", "string_above_max_length"))));

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("x".repeat(100)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).contains("string_above_max_length");
                    assertThat(e.param()).contains("messages[0].content");
                    assertThat(e.type()).contains("invalid_request_error");
                    assertThat(e.getMessage()).contains("Invalid 'messages[0].content': string too long.");
                });
        assertThat(mock.requests()).as("a request the upstream refused is not retried").hasSize(1);
    }

    @Test
    void a_wrong_gateway_key_throws_unauthorized() {
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey("not-the-key").maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model(MODEL).addUserMessage("Hi.").build()))
                    .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.code()).contains("invalid_api_key");
                    });
        } finally {
            wrong.close();
        }
        assertThat(mock.requests()).isEmpty();
    }

    // ---- helpers ----

    private MockOpenAi.Recorded onlyUpstreamRequest() {
        List<MockOpenAi.Recorded> requests = mock.requests();
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather for a city.")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                        "city", Map.of("type", "string"),
                                        "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }

    private static JsonObject weatherParametersJson() {
        return new JsonObject()
                .put("type", "object")
                .put("properties", new JsonObject()
                        .put("city", new JsonObject().put("type", "string"))
                        .put("unit", new JsonObject().put("type", "string")
                                .put("enum", new JsonArray().add("celsius").add("fahrenheit"))))
                .put("required", new JsonArray().add("city"));
    }

    /** One chunk of a tool-call stream exactly as OpenAI sends it. */
    private static String toolChunk(JsonObject delta, String finishReason) {
        return new JsonObject()
                .put("id", "chatcmpl-toolstream")
                .put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L)
                .put("model", MODEL)
                .put("system_fingerprint", "fp_mock")
                .put("choices", new JsonArray().add(new JsonObject()
                        .put("index", 0)
                        .put("delta", delta)
                        .putNull("logprobs")
                        .put("finish_reason", finishReason)))
                .encode();
    }
}
