package dev.autogateway.sdk;

import static dev.autogateway.sdk.OpenAiJavaSdkTest.CALL_ID;
import static dev.autogateway.sdk.OpenAiJavaSdkTest.GATEWAY_KEY;
import static dev.autogateway.sdk.OpenAiJavaSdkTest.MODEL;
import static dev.autogateway.sdk.OpenAiJavaSdkTest.UPSTREAM_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's OpenAI chat models, configured with nothing but the gateway's base URL and key, against a real
 * gateway in front of a mock OpenAI upstream: plain and streamed answers, tool calls (streamed too) and a tool result.
 */
@ExtendWith(VertxExtension.class)
class LangChain4jTest {
    private static final ToolSpecification WEATHER = ToolSpecification.builder()
            .name("get_weather")
            .description("The weather in a city.")
            .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build())
            .build();

    MockOpenAi mock;
    TestGateway gw;
    OpenAiChatModel model;
    OpenAiStreamingChatModel streaming;

    @BeforeEach
    void start(Vertx vertx) {
        mock = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, OpenAiJavaSdkTest.gatewayConfig(mock));
        model = OpenAiChatModel.builder().baseUrl(gw.baseUrl()).apiKey(GATEWAY_KEY).modelName(MODEL).maxRetries(0).build();
        streaming = OpenAiStreamingChatModel.builder().baseUrl(gw.baseUrl()).apiKey(GATEWAY_KEY).modelName(MODEL).build();
    }

    @AfterEach
    void stop() {
        gw.close();
        mock.close().await();
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text)).build();
    }

    private ChatResponse stream(ChatRequest request, List<String> partials) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void a_plain_answer_comes_back_with_its_finish_reason_and_usage() {
        mock.on(MODEL, MockOpenAi.answer("Hello from the gateway."));
        ChatResponse r = model.chat(ask("Say hello"));
        assertThat(r.aiMessage().text()).isEqualTo("Hello from the gateway.");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(5);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(7);
        assertThat(r.metadata().modelName()).isEqualTo(MODEL);
        assertThat(mock.requests().get(0).headers().get("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
    }

    @Test
    void a_streamed_answer_arrives_in_parts_that_add_up_to_the_text() throws Exception {
        mock.on(MODEL, MockOpenAi.answer("one two three"));
        List<String> partials = new ArrayList<>();
        ChatResponse r = stream(ask("Count"), partials);
        assertThat(partials).containsExactly("one ", "two ", "three");
        assertThat(r.aiMessage().text()).isEqualTo("one two three");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void a_tool_call_and_then_its_result_go_through() {
        mock.on(MODEL, MockOpenAi.completionWith(new JsonObject().put("role", "assistant").putNull("content")
                        .put("tool_calls", new JsonArray().add(new JsonObject().put("id", CALL_ID).put("type", "function")
                                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))))
                        .putNull("refusal"), "tool_calls"),
                MockOpenAi.answer("It is 18 degrees in Paris."));

        ChatResponse call = model.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"))
                .toolSpecifications(WEATHER).build());
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest request = call.aiMessage().toolExecutionRequests().get(0);
        assertThat(request.id()).isEqualTo(CALL_ID);
        assertThat(request.name()).isEqualTo("get_weather");
        assertThat(new JsonObject(request.arguments())).isEqualTo(new JsonObject().put("city", "Paris"));
        JsonObject tool = mock.requests().get(0).body().getJsonArray("tools").getJsonObject(0);
        assertThat(tool.getJsonObject("function").getString("name")).isEqualTo("get_weather");

        ChatResponse answer = model.chat(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"),
                AiMessage.from(request), ToolExecutionResultMessage.from(request, "18 C")).toolSpecifications(WEATHER).build());
        assertThat(answer.aiMessage().text()).isEqualTo("It is 18 degrees in Paris.");
        JsonArray sent = mock.requests().get(1).body().getJsonArray("messages");
        assertThat(sent.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id")).isEqualTo(CALL_ID);
        assertThat(sent.getJsonObject(2).getString("role")).isEqualTo("tool");
        assertThat(sent.getJsonObject(2).getString("tool_call_id")).isEqualTo(CALL_ID);
        assertThat(sent.getJsonObject(2).getString("content")).isEqualTo("18 C");
    }

    @Test
    void a_streamed_tool_call_is_put_together_from_its_fragments() throws Exception {
        String[] fragments = {"{\"ci", "ty\": \"Pa", "ris\"}"};
        List<String> events = new ArrayList<>();
        events.add(chunk(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
                .add(new JsonObject().put("index", 0).put("id", CALL_ID).put("type", "function")
                        .put("function", new JsonObject().put("name", "get_weather").put("arguments", "")))), null));
        for (String f : fragments) {
            events.add(chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
                    .put("function", new JsonObject().put("arguments", f)))), null));
        }
        events.add(chunk(new JsonObject(), "tool_calls"));
        events.add("[DONE]");
        mock.on(MODEL, MockOpenAi.events(5, events.toArray(String[]::new)));

        ChatResponse r = stream(ChatRequest.builder().messages(UserMessage.from("Weather in Paris?"))
                .toolSpecifications(WEATHER).build(), new ArrayList<>());
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().get(0);
        assertThat(call.id()).isEqualTo(CALL_ID);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEqualTo(String.join("", fragments));
    }

    private static String chunk(JsonObject delta, String finishReason) {
        return MockOpenAi.chunk(new JsonObject().put("model", MODEL), delta, finishReason).encode();
    }
}
