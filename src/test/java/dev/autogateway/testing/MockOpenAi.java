package dev.autogateway.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for an OpenAI-compatible upstream on 127.0.0.1, speaking the real wire format. What it does for a
 * request is scripted per model name ({@link #on}); unscripted models get a normal answer, JSON or SSE as asked.
 */
public final class MockOpenAi {
    /** One scripted reaction to a request. */
    @FunctionalInterface
    public interface Behavior {
        void respond(Vertx vertx, HttpServerRequest req, JsonObject body);
    }

    /** One request as it arrived; {@code raw} is its body's exact text. */
    public record Recorded(String path, MultiMap headers, JsonObject body, String raw) {
        public String model() {
            return body.getString("model");
        }
    }

    private final Vertx vertx;
    private final Map<String, Deque<Behavior>> scripts = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private MockOpenAi(Vertx vertx) {
        this.vertx = vertx;
    }

    public static MockOpenAi start(Vertx vertx) {
        MockOpenAi mock = new MockOpenAi(vertx);
        mock.server = vertx.createHttpServer().requestHandler(mock::handle).listen(0, "127.0.0.1").await();
        return mock;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public Future<Void> close() {
        return server.close();
    }

    /** Scripts the next requests for {@code model}: one behaviour each, the last one repeating. */
    public MockOpenAi on(String model, Behavior... behaviors) {
        scripts.put(model, new ArrayDeque<>(List.of(behaviors)));
        return this;
    }

    public List<Recorded> requests() {
        return new ArrayList<>(requests);
    }

    public List<Recorded> requestsFor(String model) {
        return requests.stream().filter(r -> model.equals(r.model())).toList();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            JsonObject body = buf.length() == 0 ? new JsonObject() : buf.toJsonObject();
            requests.add(new Recorded(req.path(), req.headers(), body, buf.toString()));
            next(body.getString("model", "")).respond(vertx, req, body);
        });
    }

    private synchronized Behavior next(String model) {
        Deque<Behavior> script = scripts.get(model);
        if (script == null || script.isEmpty()) {
            return answer("Hello from " + model);
        }
        return script.size() > 1 ? script.poll() : script.peek();
    }

    // ---- behaviours ----

    /** A normal answer with this text: a completion, or a stream of one chunk per word when the request streams. */
    public static Behavior answer(String text) {
        return (vertx, req, body) -> {
            if (body.getBoolean("stream", false)) {
                List<String> events = new ArrayList<>();
                events.add(chunk(body, new JsonObject().put("role", "assistant").put("content", ""), null).encode());
                for (String w : text.split("(?<= )")) {
                    events.add(chunk(body, new JsonObject().put("content", w), null).encode());
                }
                events.add(chunk(body, new JsonObject(), "stop").encode());
                if (body.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false)) {
                    events.add(chunk(body, null, null).put("choices", new JsonArray()).put("usage", usage()).encode());
                }
                events.add("[DONE]");
                sse(req.response(), events, 0);
            } else {
                json(req.response(), 200, completion(body, new JsonObject().put("role", "assistant").put("content", text), "stop"));
            }
        };
    }

    /** Answers with a fixed completion object (non-streaming requests). */
    public static Behavior completionWith(JsonObject message, String finishReason) {
        return (vertx, req, body) -> json(req.response(), 200, completion(body, message, finishReason));
    }

    /** Answers 200 with exactly this JSON text, byte for byte (non-streaming requests). */
    public static Behavior rawJson(String text) {
        return (vertx, req, body) -> req.response().putHeader("content-type", "application/json").end(text);
    }

    /** Answers 200 with the JSON text these pieces make, each written on its own 20 ms after the one before. */
    public static Behavior rawJsonInPieces(String... pieces) {
        return (vertx, req, body) -> {
            HttpServerResponse r = req.response().setChunked(true).putHeader("content-type", "application/json");
            writeSpaced(vertx, r, pieces, 0);
        };
    }

    private static void writeSpaced(Vertx vertx, HttpServerResponse r, String[] pieces, int i) {
        if (i == pieces.length) {
            r.end();
            return;
        }
        r.write(pieces[i]);
        vertx.setTimer(20, id -> writeSpaced(vertx, r, pieces, i + 1));
    }

    /** Streams exactly these SSE data payloads, {@code delayMs} apart, then closes cleanly. */
    public static Behavior events(long delayMs, String... payloads) {
        return (vertx, req, body) -> {
            HttpServerResponse r = req.response();
            r.setChunked(true).putHeader("content-type", "text/event-stream");
            sendSpaced(vertx, r, List.of(payloads), delayMs, 0, () -> r.end());
        };
    }

    public static Behavior status(int status, JsonObject errorBody, String... headers) {
        return (vertx, req, body) -> {
            for (int i = 0; i + 1 < headers.length; i += 2) {
                req.response().putHeader(headers[i], headers[i + 1]);
            }
            json(req.response(), status, errorBody);
        };
    }

    public static JsonObject error(String message, String type, String code) {
        return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
                .put("param", null).put("code", code));
    }

    /** Closes the connection without any response. */
    public static Behavior reset() {
        return (vertx, req, body) -> req.connection().close();
    }

    /** Never answers. */
    public static Behavior hang() {
        return (vertx, req, body) -> { };
    }

    /** Streams {@code n} events (a role chunk, then "part1 ", "part2 ", ...), then goes silent with the connection open. */
    public static Behavior stallAfter(int n) {
        return partialStream(n, false);
    }

    /** Streams {@code n} events (a role chunk, then "part1 ", "part2 ", ...), then drops the connection. */
    public static Behavior cutAfter(int n) {
        return partialStream(n, true);
    }

    private static Behavior partialStream(int n, boolean cut) {
        return (vertx, req, body) -> {
            HttpServerResponse r = req.response();
            r.setChunked(true).putHeader("content-type", "text/event-stream");
            List<String> events = new ArrayList<>();
            if (n > 0) {
                events.add(chunk(body, new JsonObject().put("role", "assistant").put("content", ""), null).encode());
            }
            for (int i = 1; i < n; i++) {
                events.add(chunk(body, new JsonObject().put("content", "part" + i + " "), null).encode());
            }
            sendSpaced(vertx, r, events, 0, 0, () -> {
                if (cut) {
                    vertx.setTimer(20, id -> req.connection().close());
                }
            });
        };
    }

    /** Waits {@code ms}, then behaves like {@code then}. */
    public static Behavior delayed(long ms, Behavior then) {
        return (vertx, req, body) -> vertx.setTimer(ms, id -> then.respond(vertx, req, body));
    }

    // ---- wire format ----

    public static JsonObject completion(JsonObject request, JsonObject message, String finishReason) {
        return new JsonObject()
                .put("id", "chatcmpl-mock" + System.nanoTime())
                .put("object", "chat.completion")
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", request.getString("model"))
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
                        .put("logprobs", null).put("finish_reason", finishReason)))
                .put("usage", usage());
    }

    public static JsonObject chunk(JsonObject request, JsonObject delta, String finishReason) {
        JsonObject c = new JsonObject()
                .put("id", "chatcmpl-mockstream")
                .put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L)
                .put("model", request.getString("model"));
        if (delta != null) {
            c.put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
                    .put("logprobs", null).put("finish_reason", finishReason)));
        }
        return c;
    }

    public static JsonObject usage() {
        return new JsonObject().put("prompt_tokens", 5).put("completion_tokens", 7).put("total_tokens", 12);
    }

    public static void json(HttpServerResponse r, int status, JsonObject body) {
        r.setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
    }

    private static void sse(HttpServerResponse r, List<String> events, long delayMs) {
        r.setChunked(true).putHeader("content-type", "text/event-stream");
        StringBuilder all = new StringBuilder();
        for (String e : events) {
            all.append("data: ").append(e).append("\n\n");
        }
        r.end(Buffer.buffer(all.toString()));
    }

    private static void sendSpaced(Vertx vertx, HttpServerResponse r, List<String> events, long delayMs, int i, Runnable then) {
        if (i >= events.size()) {
            then.run();
            return;
        }
        r.write("data: " + events.get(i) + "\n\n");
        if (delayMs == 0) {
            sendSpaced(vertx, r, events, delayMs, i + 1, then);
        } else {
            vertx.setTimer(delayMs, id -> sendSpaced(vertx, r, events, delayMs, i + 1, then));
        }
    }
}
