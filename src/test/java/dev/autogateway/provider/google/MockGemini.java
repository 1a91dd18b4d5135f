package dev.autogateway.provider.google;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Gemini REST API on 127.0.0.1, speaking its wire format: {@code POST
 * /{version}/models/{model}:generateContent} answers JSON, {@code :streamGenerateContent?alt=sse} answers
 * {@code data: {...}\r\n\r\n} events, errors are Google's {@code {"error":{"code","message","status"}}}. What it does
 * is scripted per model ({@link #on}); unscripted models answer "Hello from {model}". It also serves images under
 * {@code /img/} for the http(s) image tests, and counts connections and concurrent calls.
 */
final class MockGemini {
    /** One scripted reaction to a call. */
    @FunctionalInterface
    interface Behavior {
        void respond(Vertx vertx, HttpServerRequest req, Call call);
    }

    /** A call as the mock received it. */
    record Call(String path, String version, String model, boolean stream, MultiMap headers, JsonObject body) {
        String apiKey() {
            return headers.get("x-goog-api-key");
        }
    }

    private record Image(String contentType, Buffer bytes) {}

    private final Vertx vertx;
    private final Map<String, Deque<Behavior>> scripts = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Image> images = new ConcurrentHashMap<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger openConnections = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** Answers whose connection closed before the mock had finished them: the gateway stopped the call. */
    final AtomicInteger abandoned = new AtomicInteger();
    private HttpServer server;

    private MockGemini(Vertx vertx) {
        this.vertx = vertx;
    }

    static MockGemini start(Vertx vertx) {
        MockGemini mock = new MockGemini(vertx);
        mock.server = vertx.createHttpServer()
                .connectionHandler(c -> {
                    mock.connections.incrementAndGet();
                    mock.openConnections.incrementAndGet();
                    c.closeHandler(v -> mock.openConnections.decrementAndGet());
                })
                .requestHandler(mock::handle)
                .listen(0, "127.0.0.1").await();
        return mock;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    void close() {
        server.close().await();
    }

    /** Scripts the next calls for {@code model}: one behaviour each, the last one repeating. */
    MockGemini on(String model, Behavior... behaviors) {
        scripts.put(model, new ArrayDeque<>(List.of(behaviors)));
        return this;
    }

    MockGemini image(String name, String contentType, byte[] bytes) {
        images.put("/img/" + name, new Image(contentType, Buffer.buffer(bytes)));
        return this;
    }

    String imageUrl(String name) {
        return baseUrl() + "/img/" + name;
    }

    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    Call lastCall() {
        return calls.get(calls.size() - 1);
    }

    private void handle(HttpServerRequest req) {
        if (req.path().startsWith("/img/")) {
            Image img = images.get(req.path());
            if (img == null) {
                req.response().setStatusCode(404).end();
            } else {
                req.response().putHeader("content-type", img.contentType()).end(img.bytes());
            }
            return;
        }
        req.body().onSuccess(buf -> {
            String path = req.path();
            int models = path.indexOf("/models/");
            int colon = path.lastIndexOf(':');
            if (models < 0 || colon < models) {
                googleError(req.response(), 404, "NOT_FOUND", "no such method " + path);
                return;
            }
            String model = path.substring(models + "/models/".length(), colon);
            boolean stream = path.endsWith(":streamGenerateContent");
            Call call = new Call(path + (req.query() == null ? "" : "?" + req.query()), path.substring(1, models), model,
                    stream, req.headers(), buf.length() == 0 ? new JsonObject() : buf.toJsonObject());
            calls.add(call);
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            req.response().endHandler(v -> inFlight.decrementAndGet());
            req.response().closeHandler(v -> {
                if (!req.response().ended()) {
                    inFlight.decrementAndGet();
                    abandoned.incrementAndGet();
                }
            });
            next(model).respond(vertx, req, call);
        });
    }

    private synchronized Behavior next(String model) {
        Deque<Behavior> script = scripts.get(model);
        if (script == null || script.isEmpty()) {
            return text("Hello from " + model);
        }
        return script.size() > 1 ? script.poll() : script.peek();
    }

    // ---- behaviours ----

    /**
     * Answers with these Gemini responses: each one as an SSE event when streaming, else all in one JSON answer (the
     * first candidate's parts joined, with the last finish reason and usage).
     */
    static Behavior answer(JsonObject... responses) {
        return events(0, responses);
    }

    /** Like {@link #answer}, with SSE events {@code delayMs} apart (and the JSON answer after all those delays). */
    static Behavior events(long delayMs, JsonObject... responses) {
        return (vertx, req, call) -> {
            HttpServerResponse r = req.response();
            if (!call.stream()) {
                JsonObject whole = whole(responses);
                if (delayMs == 0) {
                    json(r, 200, whole);
                } else {
                    vertx.setTimer(delayMs * responses.length, id -> json(r, 200, whole));
                }
                return;
            }
            r.setChunked(true).putHeader("content-type", "text/event-stream");
            sendSpaced(vertx, r, List.of(responses), delayMs, 0, r::end);
        };
    }

    private static JsonObject whole(JsonObject... responses) {
        if (responses.length == 1) {
            return responses[0];
        }
        JsonObject whole = responses[responses.length - 1].copy();
        JsonArray parts = new JsonArray();
        for (JsonObject r : responses) {
            parts.addAll(r.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").getJsonArray("parts"));
        }
        whole.getJsonArray("candidates").getJsonObject(0).getJsonObject("content").put("parts", parts);
        return whole;
    }

    /** A plain text answer. */
    static Behavior text(String text) {
        return answer(response(candidate("STOP", textPart(text))).put("usageMetadata", usage(3, 4, 0, 0)));
    }

    /** Streams these responses and then closes the connection abruptly, before the chunked body ends. */
    static Behavior cutAfter(JsonObject... responses) {
        return (vertx, req, call) -> {
            HttpServerResponse r = req.response();
            r.setChunked(true).putHeader("content-type", "text/event-stream");
            sendSpaced(vertx, r, List.of(responses), 0, 0, () -> vertx.setTimer(20, id -> req.connection().close()));
        };
    }

    /** Streams these responses and then goes silent, the connection left open. */
    static Behavior stallAfter(JsonObject... responses) {
        return (vertx, req, call) -> {
            HttpServerResponse r = req.response();
            r.setChunked(true).putHeader("content-type", "text/event-stream");
            sendSpaced(vertx, r, List.of(responses), 0, 0, () -> { });
        };
    }

    /** Google's error body with this HTTP code and status. */
    static Behavior error(int code, String status, String message) {
        return (vertx, req, call) -> googleError(req.response(), code, status, message);
    }

    /** Never answers, keeping the connection open. */
    static Behavior hang() {
        return (vertx, req, call) -> { };
    }

    static Behavior delayed(long ms, Behavior then) {
        return (vertx, req, call) -> vertx.setTimer(ms, id -> then.respond(vertx, req, call));
    }

    // ---- Gemini JSON ----

    static JsonObject response(JsonObject... candidates) {
        JsonArray cs = new JsonArray();
        for (JsonObject c : candidates) {
            cs.add(c);
        }
        return new JsonObject().put("candidates", cs).put("modelVersion", "gemini-mock-001").put("responseId", "resp-1");
    }

    /** A candidate with these parts; {@code finishReason} null while it is still streaming. */
    static JsonObject candidate(String finishReason, JsonObject... parts) {
        JsonArray ps = new JsonArray();
        for (JsonObject p : parts) {
            ps.add(p);
        }
        JsonObject c = new JsonObject().put("content", new JsonObject().put("role", "model").put("parts", ps));
        if (finishReason != null) {
            c.put("finishReason", finishReason);
        }
        return c;
    }

    static JsonObject textPart(String text) {
        return new JsonObject().put("text", text);
    }

    static JsonObject thoughtPart(String text) {
        return new JsonObject().put("text", text).put("thought", true);
    }

    static JsonObject callPart(String name, JsonObject args) {
        return new JsonObject().put("functionCall", new JsonObject().put("name", name).put("args", args));
    }

    static JsonObject usage(int prompt, int candidates, int thoughts, int cached) {
        JsonObject u = new JsonObject().put("promptTokenCount", prompt).put("candidatesTokenCount", candidates)
                .put("totalTokenCount", prompt + candidates + thoughts);
        if (thoughts > 0) {
            u.put("thoughtsTokenCount", thoughts);
        }
        if (cached > 0) {
            u.put("cachedContentTokenCount", cached);
        }
        return u;
    }

    static void json(HttpServerResponse r, int status, JsonObject body) {
        r.setStatusCode(status).putHeader("content-type", "application/json; charset=UTF-8").end(body.toBuffer());
    }

    static void googleError(HttpServerResponse r, int code, String status, String message) {
        json(r, code, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message).put("status", status)));
    }

    private static void sendSpaced(Vertx vertx, HttpServerResponse r, List<JsonObject> events, long delayMs, int i, Runnable then) {
        if (r.closed()) {
            return;
        }
        if (i >= events.size()) {
            then.run();
            return;
        }
        Runnable send = () -> {
            if (!r.closed()) {
                r.write("data: " + events.get(i).encode() + "\r\n\r\n");
                sendSpaced(vertx, r, events, delayMs, i + 1, then);
            }
        };
        if (delayMs == 0) {
            send.run();
        } else {
            vertx.setTimer(delayMs, id -> send.run());
        }
    }
}
