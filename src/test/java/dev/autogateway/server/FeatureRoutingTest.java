package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Features drive routing: content goes where it can be seen, tools where they can be called, prompts where they fit. */
@ExtendWith(VertxExtension.class)
class FeatureRoutingTest {
    private static final JsonArray IMAGE_MESSAGE = new JsonArray().add(new JsonObject().put("role", "user").put("content",
            new JsonArray().add(new JsonObject().put("type", "text").put("text", "what is this?"))
                    .add(new JsonObject().put("type", "image_url").put("image_url",
                            new JsonObject().put("url", "data:image/png;base64,iVBORw0KGgo=")))));
    private static final JsonArray TOOLS = new JsonArray().add(new JsonObject().put("type", "function")
            .put("function", new JsonObject().put("name", "get_weather").put("parameters", new JsonObject().put("type", "object"))));

    private Vertx vertx;
    private MockOpenAi plain;
    private MockOpenAi rich;
    private TestGateway gw;

    @BeforeEach
    void mocks(Vertx vertx) {
        this.vertx = vertx;
        plain = MockOpenAi.start(vertx);
        rich = MockOpenAi.start(vertx);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        plain.close().await();
        rich.close().await();
    }

    /** Provider "plain" first in config order, then "rich", each serving model m with the given spec (null: absent). */
    private void gateway(String plainSpec, String richSpec) {
        JsonArray providers = new JsonArray();
        if (plainSpec != null) {
            providers.add(provider("plain", plain, plainSpec));
        }
        if (richSpec != null) {
            providers.add(provider("rich", rich, richSpec));
        }
        gw = TestGateway.start(vertx, new JsonObject().put("router", new JsonObject().put("retries", 0))
                .put("providers", providers).encode());
    }

    private static JsonObject provider(String name, MockOpenAi mock, String spec) {
        return new JsonObject().put("name", name).put("type", "openai_compatible").put("base_url", mock.baseUrl())
                .put("api_key", "sk-" + name).put("models", new JsonObject().put("m", new JsonObject(spec).getValue("m")));
    }

    private TestGateway.Response ask(JsonObject body, String... headers) {
        return gw.post("/v1/chat/completions", body.put("model", "m"), headers);
    }

    @Test
    void should_send_images_to_a_vision_target_even_when_another_comes_first() {
        gateway("{\"m\":[]}", "{\"m\":[\"vision\"]}");
        TestGateway.Response r = ask(new JsonObject().put("messages", IMAGE_MESSAGE));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("rich");
        assertThat(r.header("x-gateway-content-dropped")).isNull();
        assertThat(rich.requests().get(0).body().getJsonArray("messages")).isEqualTo(IMAGE_MESSAGE);
        assertThat(plain.requests()).isEmpty();
    }

    @Test
    void should_drop_images_only_when_no_target_can_see_them_and_say_so() {
        gateway("{\"m\":[\"tool_calls\"]}", null);
        TestGateway.Response r = ask(new JsonObject().put("messages", IMAGE_MESSAGE));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-content-dropped")).isEqualTo("image_url");
        JsonArray parts = plain.requests().get(0).body().getJsonArray("messages").getJsonObject(0).getJsonArray("content");
        assertThat(parts).containsExactly(new JsonObject().put("type", "text").put("text", "what is this?"));
    }

    @Test
    void should_fall_back_to_a_blind_target_with_images_dropped_when_the_vision_target_fails() {
        gateway("{\"m\":[]}", "{\"m\":[\"vision\"]}");
        rich.on("m", MockOpenAi.status(500, MockOpenAi.error("boom", "server_error", null)));
        TestGateway.Response r = ask(new JsonObject().put("messages", IMAGE_MESSAGE).put("stream", true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("plain");
        assertThat(r.header("x-gateway-content-dropped")).isEqualTo("image_url");
        assertThat(r.events()).last().isEqualTo("[DONE]");
    }

    @Test
    void should_send_tools_only_to_targets_that_call_tools() {
        gateway("{\"m\":[\"vision\"]}", "{\"m\":[\"tool_calls\"]}");
        TestGateway.Response r = ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage()).put("tools", TOOLS));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("rich");
        assertThat(rich.requests().get(0).body().getJsonArray("tools")).isEqualTo(TOOLS);
        assertThat(plain.requests()).isEmpty();
    }

    @Test
    void should_refuse_tools_with_a_400_when_no_target_can_call_them() {
        gateway("{\"m\":[\"vision\"]}", "{\"m\":[]}");
        TestGateway.Response r = ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage()).put("tools", TOOLS));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("param")).isEqualTo("tools");
        assertThat(r.error().getString("code")).isEqualTo("tools_not_supported");
        assertThat(r.error().getString("message")).contains("tool_calls").contains("plain/m");
        assertThat(plain.requests()).isEmpty();
        assertThat(rich.requests()).isEmpty();
    }

    @Test
    void should_skip_a_target_whose_context_window_the_prompt_exceeds() {
        gateway("{\"m\":{\"context_window\":100}}", "{\"m\":{\"context_window\":100000}}");
        JsonArray longPrompt = new JsonArray().add(new JsonObject().put("role", "user").put("content", "word ".repeat(400)));
        TestGateway.Response r = ask(new JsonObject().put("messages", longPrompt));
        assertThat(r.header("x-gateway-provider")).isEqualTo("rich");
        assertThat(plain.requests()).isEmpty();
        assertThat(ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage())).header("x-gateway-provider"))
                .as("a short prompt fits the first").isEqualTo("plain");
    }

    @Test
    void should_skip_a_target_whose_max_output_tokens_the_request_exceeds() {
        gateway("{\"m\":{\"max_output_tokens\":100}}", "{\"m\":{\"max_output_tokens\":8192}}");
        TestGateway.Response r = ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage())
                .put("max_completion_tokens", 1000));
        assertThat(r.header("x-gateway-provider")).isEqualTo("rich");
        assertThat(plain.requests()).isEmpty();
        assertThat(ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage()).put("max_tokens", 50))
                .header("x-gateway-provider")).as("a short answer fits the first").isEqualTo("plain");
    }

    @Test
    void should_refuse_an_answer_longer_than_every_model_produces() {
        gateway("{\"m\":{\"max_output_tokens\":100}}", null);
        TestGateway.Response r = ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage()).put("max_tokens", 500));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("param")).isEqualTo("max_completion_tokens");
        assertThat(r.error().getString("message")).contains("500", "100");
        assertThat(plain.requests()).isEmpty();
    }

    @Test
    void should_refuse_a_prompt_larger_than_every_context_window() {
        gateway("{\"m\":{\"context_window\":100}}", null);
        JsonArray longPrompt = new JsonArray().add(new JsonObject().put("role", "user").put("content", "word ".repeat(400)));
        TestGateway.Response r = ask(new JsonObject().put("messages", longPrompt));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("code")).isEqualTo("context_length_exceeded");
        assertThat(plain.requests()).isEmpty();
    }

    @Test
    void should_refuse_an_unknown_strategy_header_and_accept_a_known_one() {
        gateway("{\"m\":[]}", "{\"m\":[]}");
        TestGateway.Response bad = ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage()),
                "x-gateway-strategy", "fastest");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error().getString("param")).isEqualTo("x-gateway-strategy");
        assertThat(ask(new JsonObject().put("messages", ChatCompletionsProxyTest.userMessage()), "x-gateway-strategy", "Bandit")
                .status()).isEqualTo(200);
    }
}
