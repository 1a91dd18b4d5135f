package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HttpApiTest {
    private MockOpenAi upstream;
    private TestGateway gw;

    private void start(Vertx vertx, String server, String router) {
        upstream = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, """
            {"server":%s,"router":%s,"providers":[
              {"name":"alpha","type":"openai_compatible","base_url":"%s","api_key":"sk-a","models":{"gpt-4o":["vision","tool_calls"],"shared":[]}},
              {"name":"beta","type":"openai_compatible","base_url":"%s","api_key":"sk-b","models":["llama-3","shared"]}]}"""
                .formatted(server, router, upstream.baseUrl(), upstream.baseUrl()));
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close().await();
    }

    private static JsonObject chat(String model) {
        return new JsonObject().put("model", model).put("messages", ChatCompletionsProxyTest.userMessage());
    }

    private static void assertOpenAiError(TestGateway.Response r, int status, String type, String code, String param) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        JsonObject e = r.error();
        assertThat(e.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(e.getString("message")).isNotBlank();
        assertThat(e.getString("type")).isEqualTo(type);
        assertThat(e.getString("code")).isEqualTo(code);
        assertThat(e.getString("param")).isEqualTo(param);
    }

    @Test
    void should_require_a_valid_bearer_key_on_v1_when_keys_are_configured(Vertx vertx) {
        start(vertx, "{\"api_key\":[\"gw-one\",\"gw-two\"]}", "{}");
        TestGateway.Response missing = gw.post("/v1/chat/completions", chat("gpt-4o"));
        assertOpenAiError(missing, 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(missing.header("www-authenticate")).isEqualTo("Bearer");
        assertOpenAiError(gw.post("/v1/chat/completions", chat("gpt-4o"), "Authorization", "Bearer gw-on"),
                401, "invalid_request_error", "invalid_api_key", null);
        assertOpenAiError(gw.get("/v1/models", "Authorization", "Basic Z3ctb25lOg=="), 401, "invalid_request_error", "invalid_api_key", null);
        assertThat(gw.post("/v1/chat/completions", chat("gpt-4o"), "Authorization", "Bearer gw-two").status()).isEqualTo(200);
        assertThat(gw.get("/v1/models", "Authorization", "bearer gw-one").status()).isEqualTo(200);
        assertThat(gw.get("/health").status()).as("liveness needs no key").isEqualTo(200);
        assertThat(upstream.requests()).hasSize(1);
    }

    @Test
    void should_reject_bad_bodies_with_a_400_naming_the_field(Vertx vertx) {
        start(vertx, "{}", "{}");
        assertOpenAiError(gw.send(HttpMethod.POST, "/v1/chat/completions", Buffer.buffer("{\"model\":")), 400, "invalid_request_error", null, null);
        assertOpenAiError(gw.send(HttpMethod.POST, "/v1/chat/completions", Buffer.buffer("[1]")), 400, "invalid_request_error", null, null);
        for (String notOneObject : List.of("null", "\"text\"", "42", "{\"model\":\"a\"} {\"model\":\"b\"}")) {
            assertOpenAiError(gw.send(HttpMethod.POST, "/v1/chat/completions", Buffer.buffer(notOneObject)), 400,
                    "invalid_request_error", null, null);
        }
        assertOpenAiError(gw.send(HttpMethod.POST, "/v1/chat/completions", null), 400, "invalid_request_error", null, null);
        assertOpenAiError(gw.post("/v1/chat/completions", new JsonObject().put("model", "gpt-4o")),
                400, "invalid_request_error", "missing_required_parameter", "messages");
        assertOpenAiError(gw.post("/v1/chat/completions", new JsonObject().put("model", "gpt-4o").put("messages", new JsonArray())),
                400, "invalid_request_error", "empty_array", "messages");
        assertOpenAiError(gw.post("/v1/chat/completions", new JsonObject().put("model", 4).put("messages", ChatCompletionsProxyTest.userMessage())),
                400, "invalid_request_error", null, "model");
        assertOpenAiError(gw.post("/v1/chat/completions", new JsonObject().put("model", "gpt-4o")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "robot").put("content", "x")))),
                400, "invalid_request_error", "invalid_value", "messages[0].role");
        assertOpenAiError(gw.post("/v1/chat/completions", new JsonObject().put("model", "gpt-4o")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "tool").put("content", "x")))),
                400, "invalid_request_error", "missing_required_parameter", "messages[0].tool_call_id");
        assertOpenAiError(gw.post("/v1/chat/completions", chat("gpt-4o").put("stream", "yes")),
                400, "invalid_request_error", "invalid_type", "stream");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void should_answer_413_when_the_body_is_over_the_limit(Vertx vertx) {
        start(vertx, "{\"max_body_bytes\":1000}", "{}");
        JsonObject big = chat("gpt-4o").put("messages", new JsonArray(List.of(new JsonObject().put("role", "user").put("content", "x".repeat(2000)))));
        assertOpenAiError(gw.post("/v1/chat/completions", big), 413, "invalid_request_error", "request_too_large", null);
        assertThat(gw.post("/v1/chat/completions", chat("gpt-4o")).status()).isEqualTo(200);
    }

    @Test
    void should_answer_404_model_not_found_for_an_unknown_model(Vertx vertx) {
        start(vertx, "{}", "{}");
        TestGateway.Response r = gw.post("/v1/chat/completions", chat("gpt-9"));
        assertOpenAiError(r, 404, "invalid_request_error", "model_not_found", "model");
        assertThat(r.error().getString("message")).contains("gpt-9");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void should_serve_an_unknown_model_with_any_model_when_configured_to(Vertx vertx) {
        start(vertx, "{}", "{\"unknown_models\":\"route_any\"}");
        TestGateway.Response r = gw.post("/v1/chat/completions", chat("gpt-9"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-model")).isEqualTo("gpt-4o");
        assertThat(r.json().getString("model")).isEqualTo("gpt-4o");
        assertThat(upstream.requests().get(0).model()).isEqualTo("gpt-4o");
    }

    @Test
    void should_honour_the_seeds_model_strings_and_provider_pins(Vertx vertx) {
        start(vertx, "{}", "{}");
        assertThat(gw.post("/v1/chat/completions", chat("auto")).header("x-gateway-model")).isEqualTo("gpt-4o");
        assertThat(gw.post("/v1/chat/completions", chat("nope,llama-3")).header("x-gateway-provider")).isEqualTo("beta");
        assertThat(gw.post("/v1/chat/completions", chat("[llama-3, gpt-4o]")).header("x-gateway-model")).isEqualTo("llama-3");
        TestGateway.Response pinned = gw.post("/v1/chat/completions", chat("beta/shared"));
        assertThat(pinned.header("x-gateway-provider")).isEqualTo("beta");
        assertThat(upstream.requests().get(3).model()).as("the provider prefix is not sent upstream").isEqualTo("shared");
        assertThat(gw.post("/v1/chat/completions", chat("shared").put("provider", "beta")).header("x-gateway-provider")).isEqualTo("beta");
        assertOpenAiError(gw.post("/v1/chat/completions", chat("shared").put("provider", "gamma")),
                400, "invalid_request_error", null, "provider");
        assertOpenAiError(gw.post("/v1/chat/completions", chat("llama-3").put("provider", "alpha")),
                404, "invalid_request_error", "model_not_found", "model");
        assertOpenAiError(gw.post("/v1/chat/completions", chat("gpt-4o").put("alias", "nope")),
                400, "invalid_request_error", null, "alias");
    }

    @Test
    void should_list_configured_models_with_their_provider(Vertx vertx) {
        start(vertx, "{}", "{}");
        JsonObject list = gw.get("/v1/models").json();
        assertThat(list.getString("object")).isEqualTo("list");
        JsonArray data = list.getJsonArray("data");
        assertThat(data.stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly("gpt-4o", "shared", "llama-3");
        JsonObject first = data.getJsonObject(0);
        assertThat(first.getString("object")).isEqualTo("model");
        assertThat(first.getString("owned_by")).isEqualTo("alpha");
        assertThat(first.getLong("created")).isPositive();
        assertThat(first.getJsonArray("features")).containsExactlyInAnyOrder("vision", "tool_calls");
    }

    @Test
    void should_report_liveness_and_readiness(Vertx vertx) {
        start(vertx, "{\"api_key\":\"k\"}", "{}");
        assertThat(gw.get("/health").json().getString("status")).isEqualTo("ok");
        TestGateway.Response ready = gw.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getInteger("providers")).isEqualTo(2);
    }

    @Test
    void should_answer_unknown_paths_and_methods_with_openai_errors(Vertx vertx) {
        start(vertx, "{}", "{}");
        assertOpenAiError(gw.get("/v1/nope"), 404, "invalid_request_error", "unknown_url", null);
        assertOpenAiError(gw.get("/v1/chat/completions"), 405, "invalid_request_error", "method_not_allowed", null);
    }
}
