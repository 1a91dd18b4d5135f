package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ChatCompletionsProxyTest {
    private MockOpenAi upstream;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        upstream = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, """
            {"server":{"api_key":"gw-key"},
             "providers":[{"name":"main","type":"openai_compatible","base_url":"%s","api_key":"sk-upstream",
               "models":{"gpt-4o-mini":["tool_calls","vision"]},"extra_body":{"service_tier":"default","seed":1}}]}"""
                .formatted(upstream.baseUrl()));
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close().await();
    }

    private TestGateway.Response post(JsonObject body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer gw-key";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gw.post("/v1/chat/completions", body, all);
    }

    @Test
    void should_pass_every_request_field_through_unchanged() {
        JsonObject request = new JsonObject("""
            {"model":"gpt-4o-mini",
             "messages":[{"role":"developer","content":"be brief"},
                         {"role":"user","content":[{"type":"text","text":"what is this?"},
                            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}],"name":"ann"},
                         {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                         {"role":"tool","tool_call_id":"call_1","content":"42"}],
             "response_format":{"type":"json_object"},"seed":7,"top_p":0.5,"stop":["\\n"],"max_completion_tokens":50,
             "logprobs":true,"top_logprobs":2,"parallel_tool_calls":false,"user":"u1","metadata":{"k":"v"},"n":1,
             "temperature":0.2,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
             "tool_choice":"auto","some_future_field":{"nested":[1,2,3]}}""");
        TestGateway.Response r = post(request);

        assertThat(r.status()).isEqualTo(200);
        JsonObject sent = upstream.requests().get(0).body();
        JsonObject expected = request.copy().put("seed", 1).put("service_tier", "default");
        assertThat(sent).isEqualTo(expected);
    }

    @Test
    void should_merge_provider_then_request_extra_body_and_drop_gateway_extras() {
        post(new JsonObject().put("model", "gpt-4o-mini").put("messages", userMessage())
                .put("extra_body", new JsonObject().put("seed", 99).put("top_k", 5))
                .put("provider", "main").put("alias", "nope").put("strict_alias", false));

        JsonObject sent = upstream.requests().get(0).body();
        assertThat(sent.getInteger("seed")).isEqualTo(99);
        assertThat(sent.getInteger("top_k")).isEqualTo(5);
        assertThat(sent.getString("service_tier")).isEqualTo("default");
        assertThat(sent.fieldNames()).doesNotContain("extra_body", "provider", "alias", "strict_alias");
    }

    @Test
    void should_send_the_configured_key_upstream_never_the_clients() {
        post(new JsonObject().put("model", "gpt-4o-mini").put("messages", userMessage()));
        MockOpenAi.Recorded sent = upstream.requests().get(0);
        assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer sk-upstream");
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.headers().get("content-type")).isEqualTo("application/json");
    }

    @Test
    void should_reach_a_provider_by_host_name_and_send_that_name_as_its_host(Vertx vertx) {
        // The gateway gives Vert.x the upstream's address once per key; a name in base_url must still be resolved
        // and sent as the Host (virtual hosts and TLS SNI depend on it), not replaced by an address.
        String byName = upstream.baseUrl().replace("127.0.0.1", "localhost");
        TestGateway named = TestGateway.start(vertx, """
            {"providers":[{"name":"named","type":"openai_compatible","base_url":"%s","api_key":"sk-named",
               "models":{"m":[]}}]}""".formatted(byName));
        try {
            TestGateway.Response r = named.post("/v1/chat/completions",
                    new JsonObject().put("model", "m").put("messages", userMessage()));
            assertThat(r.status()).isEqualTo(200);
            MockOpenAi.Recorded sent = upstream.requests().get(0);
            assertThat(sent.headers().get("Host")).isEqualTo(byName.substring("http://".length(), byName.indexOf("/v1")));
            assertThat(sent.headers().get("Authorization")).isEqualTo("Bearer sk-named");
        } finally {
            named.close();
        }
    }

    @Test
    void should_answer_in_openai_format_with_gateway_headers() {
        TestGateway.Response r = post(new JsonObject().put("model", "gpt-4o-mini").put("messages", userMessage()),
                "x-request-id", "req-123");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("x-request-id")).isEqualTo("req-123");
        assertThat(r.header("x-gateway-provider")).isEqualTo("main");
        assertThat(r.header("x-gateway-model")).isEqualTo("gpt-4o-mini");
        assertThat(r.header("x-gateway-attempts")).isEqualTo("1");
        JsonObject body = r.json();
        assertThat(body.getString("id")).startsWith("chatcmpl-");
        assertThat(body.getString("object")).isEqualTo("chat.completion");
        assertThat(body.getString("model")).isEqualTo("gpt-4o-mini");
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getJsonObject("message").getString("content")).isEqualTo("Hello from gpt-4o-mini");
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
        assertThat(body.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(12);
    }

    @Test
    void should_generate_a_request_id_when_the_client_sends_none() {
        TestGateway.Response r = post(new JsonObject().put("model", "gpt-4o-mini").put("messages", userMessage()));
        assertThat(r.header("x-request-id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void should_give_tool_calls_openais_exact_shape_even_when_the_upstream_omits_parts() {
        JsonObject sloppy = new JsonObject().put("role", "assistant").put("content", "")
                .put("tool_calls", new JsonArray().add(new JsonObject().put("id", "call_9")
                        .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))));
        upstream.on("gpt-4o-mini", MockOpenAi.completionWith(sloppy, "tool_calls"));

        JsonObject message = post(new JsonObject().put("model", "gpt-4o-mini").put("messages", userMessage()))
                .json().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(message.getValue("content")).isNull();
        assertThat(message.containsKey("content")).isTrue();
        JsonObject call = message.getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getString("type")).isEqualTo("function");
        assertThat(call.getString("id")).isEqualTo("call_9");
        assertThat(call.getJsonObject("function").getString("arguments")).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void should_return_an_upstream_client_error_as_is_without_retrying() {
        upstream.on("gpt-4o-mini", MockOpenAi.status(400, MockOpenAi.error("Invalid 'temperature': 9 > 2.", "invalid_request_error",
                "invalid_value").put("error", MockOpenAi.error("Invalid 'temperature': 9 > 2.", "invalid_request_error", "invalid_value")
                .getJsonObject("error").put("param", "temperature"))));
        TestGateway.Response r = post(new JsonObject().put("model", "gpt-4o-mini").put("messages", userMessage()).put("temperature", 9));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("message")).isEqualTo("Invalid 'temperature': 9 > 2.");
        assertThat(r.error().getString("param")).isEqualTo("temperature");
        assertThat(r.error().getString("code")).isEqualTo("invalid_value");
        assertThat(upstream.requests()).hasSize(1);
    }

    static JsonArray userMessage() {
        return new JsonArray(List.of(new JsonObject().put("role", "user").put("content", "hi")));
    }
}
