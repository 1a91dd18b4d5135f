package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.RawHttp;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a client sends never breaks a response header line, with Vert.x's header validation off as the gateway runs
 * it (the tests run with the same system properties).
 */
@ExtendWith(VertxExtension.class)
class HeaderSafetyTest {
    TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        // A wildcard model takes its name from the client; an echo model without 'vision' drops image parts.
        gw = TestGateway.start(vertx, "{\"providers\":[{\"name\":\"e\",\"type\":\"echo\",\"models\":[\"*\"]}]}");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void should_percent_encode_a_wildcard_model_name_that_holds_a_line_break() throws IOException {
        RawHttp.Response r = call(chat("evil\r\nSet-Cookie: session=stolen"), "");
        assertThat(r.status()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(r.headerLines()).contains("x-gateway-model: evil%0D%0ASet-Cookie: session=stolen")
                .noneMatch(l -> l.toLowerCase().startsWith("set-cookie"));
        assertThat(new JsonObject(r.body()).getString("model")).as("the body keeps the name as JSON")
                .isEqualTo("evil\r\nSet-Cookie: session=stolen");
    }

    @Test
    void should_percent_encode_non_ascii_and_percent_in_a_model_name() throws IOException {
        RawHttp.Response r = call(chat("modèle-50%"), "");
        assertThat(r.headerLines()).contains("x-gateway-model: mod%C3%A8le-50%25");
    }

    @Test
    void should_not_echo_a_request_id_with_control_characters() throws IOException {
        RawHttp.Response r = call(chat("m"), "X-Request-Id: abc\u0001def\r\n");
        assertThat(r.status()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(r.header("x-request-id")).as("an id of the gateway's instead").matches("[0-9a-f-]{36}");
    }

    @Test
    void should_not_echo_a_request_id_with_non_ascii_bytes() throws IOException {
        RawHttp.Response r = call(chat("m"), "X-Request-Id: caf\u00e9\r\n");
        assertThat(r.header("x-request-id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void should_still_echo_a_plain_request_id() throws IOException {
        RawHttp.Response r = call(chat("m"), "X-Request-Id: trace 42/a:b\r\n");
        assertThat(r.header("x-request-id")).isEqualTo("trace 42/a:b");
    }

    @Test
    void should_encode_a_dropped_content_part_type_that_holds_a_line_break() throws IOException {
        JsonObject body = new JsonObject().put("model", "m").put("messages", new JsonArray().add(new JsonObject()
                .put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "hi"))
                        .add(new JsonObject().put("type", "image_url\nX-Evil: 1")
                                .put("image_url", new JsonObject().put("url", "https://example.com/a.png"))))));
        RawHttp.Response r = call(body, "");
        assertThat(r.status()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(r.headerLines()).contains("x-gateway-content-dropped: image_url%0AX-Evil: 1")
                .noneMatch(l -> l.toLowerCase().startsWith("x-evil"));
    }

    private static JsonObject chat(String model) {
        return new JsonObject().put("model", model).put("messages", ChatCompletionsProxyTest.userMessage());
    }

    private RawHttp.Response call(JsonObject body, String extraHeaders) throws IOException {
        return RawHttp.post(gw.port(), extraHeaders, body.toBuffer().getBytes());
    }
}
