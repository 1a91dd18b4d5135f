package dev.autogateway.testing;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A real gateway on 127.0.0.1 (random port, two HTTP instances) and a plain blocking HTTP client to call it.
 *
 * <p>The blocking calls use the JDK's client, not Vert.x's: a Vert.x client called from the test thread hands the
 * response to a callback on another context, and a response that ended before that callback ran was lost (its
 * {@code body()} never completed), which hung a test now and then on a loaded machine. {@link #http} is Vert.x's,
 * for tests that need a response's stream.
 */
public final class TestGateway {
    private static final java.net.http.HttpClient BLOCKING = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .build();
    public final Gateway gateway;
    public final HttpClient http;
    /** Every {@link #openStream} runs here, so its connections live on this context's event loop: no hand-off. */
    private final Context clientContext;

    private TestGateway(Gateway gateway, HttpClient http, Context clientContext) {
        this.gateway = gateway;
        this.http = http;
        this.clientContext = clientContext;
    }

    /** {@code configJson} is a config.json text; its server port is forced to 0 (a free port). */
    public static TestGateway start(Vertx vertx, String configJson) {
        JsonObject cfg = new JsonObject(configJson);
        cfg.put("server", cfg.getJsonObject("server", new JsonObject()).put("port", 0));
        GatewayConfig config = ConfigLoader.parse(cfg.encode(), Map.of());
        Gateway gw = Gateway.start(vertx, config, 2).await();
        return new TestGateway(gw, vertx.createHttpClient(), vertx.getOrCreateContext());
    }

    /** A config with one openai_compatible provider per base URL, named p0, p1, ... serving {@code models}. */
    public static String providers(List<String> baseUrls, String... models) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < baseUrls.size(); i++) {
            p.append(i == 0 ? "" : ",").append("{\"name\":\"p").append(i).append("\",\"type\":\"openai_compatible\",")
                    .append("\"base_url\":\"").append(baseUrls.get(i)).append("\",\"api_key\":\"sk-upstream-").append(i)
                    .append("\",\"models\":").append(new io.vertx.core.json.JsonArray(List.of(models)).encode()).append("}");
        }
        return "[" + p + "]";
    }

    public int port() {
        return gateway.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    public Response post(String path, JsonObject body, String... headers) {
        return send(HttpMethod.POST, path, body.toBuffer(), headers);
    }

    public Response get(String path, String... headers) {
        return send(HttpMethod.GET, path, null, headers);
    }

    public Response send(HttpMethod method, String path, Buffer body, String... headers) {
        return call(port(), method, path, body, headers);
    }

    /** A blocking call to any gateway on 127.0.0.1 (see the class comment for why not Vert.x's client). */
    public static Response call(int port, HttpMethod method, String path, Buffer body, String... headers) {
        try {
            return response(BLOCKING.send(request(port, method, path, body, headers), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A streaming POST whose response {@code reader} gets on the client's event loop, in the same turn as its head,
     * so it can set handlers before any of the body is read however fast the stream ends.
     */
    public void openStream(JsonObject body, Consumer<HttpClientResponse> reader) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port())
                .setURI("/v1/chat/completions").putHeader("content-type", "application/json");
        clientContext.runOnContext(v -> http.request(o).compose(req -> req.send(body.toBuffer())).onSuccess(reader::accept));
    }

    /** A POST that does not wait: for calls that must be in flight together (the JDK client has no small pool). */
    public CompletableFuture<Response> postAsync(String path, JsonObject body) {
        return BLOCKING.sendAsync(request(port(), HttpMethod.POST, path, body.toBuffer()), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(TestGateway::response);
    }

    private static HttpRequest request(int port, HttpMethod method, String path, Buffer body, String... headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method.name(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
        if (body != null) {
            r.header("content-type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return r.build();
    }

    private static Response response(HttpResponse<byte[]> r) {
        return new Response(r.statusCode(), r.headers(), Buffer.buffer(r.body()));
    }

    /** A completed response: status, headers and the whole body. */
    public record Response(int status, java.net.http.HttpHeaders headers, Buffer body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonObject json() {
            return body.toJsonObject();
        }

        public JsonObject error() {
            return json().getJsonObject("error");
        }

        /** The SSE data payloads, in order ({@code [DONE]} included). */
        public List<String> events() {
            return Sse.payloads(body.toString());
        }
    }

    /** One series' value in a Prometheus scrape ({@code name{labels}} exactly as exported); 0 when absent. */
    public static double metric(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }

    /** One series' value in a fresh scrape of this gateway's {@code /metrics}. */
    public double metric(String series) {
        return metric(get("/metrics").body().toString(), series);
    }

    public void close() {
        http.close().await();
        gateway.stop().await();
    }
}
