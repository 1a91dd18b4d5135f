package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.Sse;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bytes that need no change are not re-encoded: the client's request goes upstream as it came when the upstream gets
 * the same fields and model, and an upstream answer that is already a complete OpenAI object reaches the client as
 * it came. Anything the gateway must change is still changed.
 */
@ExtendWith(VertxExtension.class)
class PassThroughTest {
    private static final String PATH = "/v1/chat/completions";
    private MockOpenAi upstream;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        upstream = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, """
            {"providers":[{"name":"p","type":"openai_compatible","base_url":"%s","api_key":"sk-up","models":{"m":[]}}]}"""
                .formatted(upstream.baseUrl()));
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close().await();
    }

    private TestGateway.Response send(String body) {
        return gw.send(HttpMethod.POST, PATH, Buffer.buffer(body));
    }

    @Test
    void should_forward_the_clients_bytes_as_they_came_when_the_upstream_gets_the_same_fields() {
        String body = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"caf\\u00e9\"}],\n  \"model\":\"m\", \"temperature\":5e-1,"
                + " \"zeta\":{\"b\":1,\"a\":[]} }";
        assertThat(send(body).status()).isEqualTo(200);
        assertThat(upstream.requests().get(0).raw()).isEqualTo(body);
    }

    @Test
    void should_re_encode_the_request_when_the_gateway_strips_its_extras() {
        assertThat(send("{\"model\":\"m\",  \"provider\":\"p\", \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .status()).isEqualTo(200);

        MockOpenAi.Recorded stripped = upstream.requests().get(0);
        assertThat(stripped.raw()).doesNotContain("provider");
        assertThat(stripped.body().fieldNames()).containsExactly("model", "messages");
    }

    /** A client asking for another name of the model (a prefix, auto, a list, none) has only the model's value changed. */
    @Test
    void should_forward_the_clients_bytes_with_only_the_model_changed_when_it_asked_for_it_otherwise() {
        String rest = ",  \"messages\":[{\"role\":\"user\",\"content\":\"caf\\u00e9\"}], \"temperature\":5e-1 }";
        for (String asked : List.of("\"p/m\"", "\"auto\"", "\"m, other\"", "null")) {
            assertThat(send("{ \"model\" : " + asked + rest).status()).as(asked).isEqualTo(200);
        }
        assertThat(send("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(200);

        for (int i = 0; i < 4; i++) {
            assertThat(upstream.requests().get(i).raw()).isEqualTo("{ \"model\" : \"m\"" + rest);
        }
        assertThat(upstream.requests().get(4).raw()).as("no model asked: one inserted")
                .isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void should_return_a_complete_upstream_answer_byte_for_byte() {
        String answer = "{\"id\":\"chatcmpl-1\", \"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m-2025\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"caf\\u00e9\",\"refusal\":null,"
                + "\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5},\"service_tier\":\"default\"}";
        upstream.on("m", MockOpenAi.rawJson(answer));

        TestGateway.Response r = send("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.body().toString()).isEqualTo(answer);
    }

    /** An answer that arrives in several reads (a slow or chunking upstream) is joined, not cut to its first part. */
    @Test
    void should_return_an_answer_that_arrives_in_pieces_whole() {
        String answer = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"in three parts\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3,\"total_tokens\":7}}";
        int third = answer.length() / 3;
        upstream.on("m", MockOpenAi.rawJsonInPieces(answer.substring(0, third), answer.substring(third, 2 * third),
                answer.substring(2 * third)));

        TestGateway.Response r = send("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().toString()).isEqualTo(answer);
    }

    @Test
    void should_relay_complete_stream_chunks_byte_for_byte_and_fill_in_the_others() {
        String first = "{\"id\":\"c1\", \"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"caf\\u00e9\"},\"logprobs\":null,\"finish_reason\":null}]}";
        String lacking = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"!\"}}]}";
        String last = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}";
        upstream.on("m", MockOpenAi.events(0, first, lacking, last, "[DONE]"));

        String body = send("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .body().toString();

        assertThat(body).startsWith("data: " + first + "\n\n").contains("data: " + last + "\n\n").endsWith("data: [DONE]\n\n");
        assertThat(body).doesNotContain(lacking);
        List<String> events = Sse.payloads(body);
        assertThat(new JsonObject(events.get(1)).getJsonArray("choices").getJsonObject(0).containsKey("finish_reason")).isTrue();
    }

    @Test
    void should_fill_in_what_an_upstream_answer_lacks() {
        upstream.on("m", MockOpenAi.rawJson("{\"id\":\"x\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"content\":\"hello\"},\"finish_reason\":\"stop\"}]}"));

        JsonObject body = send("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").json();

        assertThat(body.getString("object")).isEqualTo("chat.completion");
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.containsKey("logprobs")).isTrue();
        JsonObject message = choice.getJsonObject("message");
        assertThat(message.getString("role")).isEqualTo("assistant");
        assertThat(message.containsKey("refusal")).isTrue();
        assertThat(message.getString("content")).isEqualTo("hello");
    }
}
