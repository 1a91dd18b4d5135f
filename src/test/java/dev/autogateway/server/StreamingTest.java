package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.Sse;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
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

@ExtendWith(VertxExtension.class)
class StreamingTest {
    private Vertx vertx;
    private MockOpenAi upstream;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        upstream = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, "{\"providers\":" + TestGateway.providers(List.of(upstream.baseUrl()), "m") + "}");
    }

    @AfterEach
    void stop() {
        gw.close();
        upstream.close().await();
    }

    private static JsonObject streamRequest() {
        return new JsonObject().put("model", "m").put("stream", true).put("messages", ChatCompletionsProxyTest.userMessage());
    }

    private static List<JsonObject> chunks(TestGateway.Response r) {
        List<String> events = r.events();
        assertThat(events).last().isEqualTo("[DONE]");
        return events.subList(0, events.size() - 1).stream().map(JsonObject::new).toList();
    }

    private static String text(List<JsonObject> chunks) {
        StringBuilder out = new StringBuilder();
        for (JsonObject c : chunks) {
            for (Object o : c.getJsonArray("choices")) {
                Object content = ((JsonObject) o).getJsonObject("delta").getValue("content");
                out.append(content == null ? "" : content);
            }
        }
        return out.toString();
    }

    @Test
    void should_relay_sse_chunks_in_openai_format_ending_with_done() {
        upstream.on("m", MockOpenAi.answer("one two three"));
        TestGateway.Response r = gw.post("/v1/chat/completions", streamRequest());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        assertThat(r.header("x-gateway-provider")).isEqualTo("p0");
        assertThat(r.body().toString()).endsWith("data: [DONE]\n\n");
        List<JsonObject> chunks = chunks(r);
        assertThat(text(chunks)).isEqualTo("one two three");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(c.getString("id")).isEqualTo(chunks.get(0).getString("id"));
            assertThat(c.getString("model")).isEqualTo("m");
        });
        assertThat(chunks.get(chunks.size() - 1).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        assertThat(upstream.requests().get(0).headers().get("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void should_deliver_each_chunk_as_it_arrives_not_when_the_answer_is_complete() throws Exception {
        Promise<Void> clientSawFirstChunk = Promise.promise();
        upstream.on("m", (v, req, body) -> {
            HttpServerResponse r = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            r.write("data: " + MockOpenAi.chunk(body, new JsonObject().put("role", "assistant").put("content", "first"), null).encode() + "\n\n");
            // The rest is only sent once the client has the first chunk: a buffering gateway would deadlock here.
            clientSawFirstChunk.future().onSuccess(x -> r.end("data: " + MockOpenAi.chunk(body, new JsonObject().put("content", " last"), "stop").encode()
                    + "\n\ndata: [DONE]\n\n"));
        });

        CompletableFuture<String> all = new CompletableFuture<>();
        StringBuilder received = new StringBuilder();
        openStream(resp -> {
            resp.handler(b -> {
                received.append(b);
                if (received.toString().contains("first")) {
                    clientSawFirstChunk.tryComplete();
                }
            });
            resp.endHandler(x -> all.complete(received.toString()));
        });

        String body = all.get(10, TimeUnit.SECONDS);
        assertThat(Sse.payloads(body)).hasSize(3).last().isEqualTo("[DONE]");
    }

    @Test
    void should_end_the_clients_stream_properly_when_the_upstream_omits_done() {
        upstream.on("m", MockOpenAi.events(0,
                MockOpenAi.chunk(new JsonObject().put("model", "m"), new JsonObject().put("role", "assistant").put("content", "hi"), null).encode(),
                MockOpenAi.chunk(new JsonObject().put("model", "m"), new JsonObject(), "stop").encode()));
        TestGateway.Response r = gw.post("/v1/chat/completions", streamRequest());
        assertThat(text(chunks(r))).isEqualTo("hi");
    }

    @Test
    void should_relay_the_usage_chunk_when_the_client_asks_for_usage() {
        TestGateway.Response r = gw.post("/v1/chat/completions",
                streamRequest().put("stream_options", new JsonObject().put("include_usage", true)));
        assertThat(upstream.requests().get(0).body().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        List<JsonObject> chunks = chunks(r);
        JsonObject last = chunks.get(chunks.size() - 1);
        assertThat(last.getJsonArray("choices")).isEmpty();
        assertThat(last.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(12);
    }

    @Test
    void should_stream_tool_call_deltas_with_their_type() {
        JsonObject req = new JsonObject().put("model", "m");
        upstream.on("m", MockOpenAi.events(0,
                MockOpenAi.chunk(req, new JsonObject().put("role", "assistant").put("content", null)
                        .put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0).put("id", "call_1")
                                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "")))), null).encode(),
                MockOpenAi.chunk(req, new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("function", new JsonObject().put("arguments", "{\"city\":")))), null).encode(),
                MockOpenAi.chunk(req, new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("function", new JsonObject().put("arguments", "\"Paris\"}")))), null).encode(),
                MockOpenAi.chunk(req, new JsonObject(), "tool_calls").encode(),
                "[DONE]"));
        List<JsonObject> chunks = chunks(gw.post("/v1/chat/completions", streamRequest()));

        JsonObject first = chunks.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getJsonArray("tool_calls").getJsonObject(0);
        assertThat(first.getString("type")).isEqualTo("function");
        assertThat(first.getString("id")).isEqualTo("call_1");
        StringBuilder args = new StringBuilder();
        for (JsonObject c : chunks) {
            JsonObject delta = c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
            if (delta.getJsonArray("tool_calls") != null) {
                args.append(delta.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("arguments"));
            }
        }
        assertThat(args.toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(chunks.get(3).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("tool_calls");
    }

    @Test
    void should_lose_no_chunk_when_the_client_reads_slowly() throws Exception {
        int n = 3000;
        String filler = "x".repeat(200);
        upstream.on("m", (v, req, body) -> {
            StringBuilder sse = new StringBuilder();
            sse.append("data: ").append(MockOpenAi.chunk(body, new JsonObject().put("role", "assistant").put("content", ""), null).encode()).append("\n\n");
            for (int i = 0; i < n; i++) {
                sse.append("data: ").append(MockOpenAi.chunk(body, new JsonObject().put("content", i + filler + "|"), null).encode()).append("\n\n");
            }
            sse.append("data: ").append(MockOpenAi.chunk(body, new JsonObject(), "stop").encode()).append("\n\ndata: [DONE]\n\n");
            req.response().setChunked(true).putHeader("content-type", "text/event-stream").end(Buffer.buffer(sse.toString()));
        });

        CompletableFuture<String> all = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        openStream(resp -> {
            // Read in small sips with pauses, so the gateway must hold back rather than buffer or drop.
            resp.pause();
            long timer = vertx.setPeriodic(5, id -> resp.fetch(4));
            resp.handler(received::appendBuffer);
            resp.endHandler(x -> {
                vertx.cancelTimer(timer);
                all.complete(received.toString());
            });
        });

        String[] parts = text(chunksOf(all.get(30, TimeUnit.SECONDS))).split("\\|");
        assertThat(parts).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(parts[i]).isEqualTo(i + filler);
        }
    }

    @Test
    void should_stop_the_upstream_call_when_the_client_goes_away() throws Exception {
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        upstream.on("m", (v, req, body) -> {
            req.connection().closeHandler(x -> upstreamClosed.complete(null));
            HttpServerResponse r = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            r.write("data: " + MockOpenAi.chunk(body, new JsonObject().put("role", "assistant").put("content", "endless"), null).encode() + "\n\n");
        });
        CompletableFuture<Void> gotFirst = new CompletableFuture<>();
        openStream(resp -> resp.handler(b -> {
            gotFirst.complete(null);
            resp.request().connection().close();
        }));
        gotFirst.get(5, TimeUnit.SECONDS);
        upstreamClosed.get(5, TimeUnit.SECONDS);
    }

    private void openStream(java.util.function.Consumer<HttpClientResponse> reader) {
        gw.openStream(streamRequest(), reader);
    }

    private static List<JsonObject> chunksOf(String body) {
        List<String> events = new ArrayList<>(Sse.payloads(body));
        assertThat(events).last().isEqualTo("[DONE]");
        events.remove(events.size() - 1);
        return events.stream().map(JsonObject::new).toList();
    }
}
