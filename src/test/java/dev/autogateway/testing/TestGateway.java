package dev.autogateway.testing;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.server.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** A real gateway on 127.0.0.1 (random port, two HTTP instances) and a plain HTTP client to call it. */
public final class TestGateway {
    public final Gateway gateway;
    public final HttpClient http;

    private TestGateway(Gateway gateway, HttpClient http) {
        this.gateway = gateway;
        this.http = http;
    }

    /** {@code configJson} is a config.json text; its server port is forced to 0 (a free port). */
    public static TestGateway start(Vertx vertx, String configJson) {
        JsonObject cfg = new JsonObject(configJson);
        cfg.put("server", cfg.getJsonObject("server", new JsonObject()).put("port", 0));
        GatewayConfig config = ConfigLoader.parse(cfg.encode(), Map.of());
        Gateway gw = Gateway.start(vertx, config, 2).await();
        return new TestGateway(gw, vertx.createHttpClient());
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
        RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port()).setURI(path);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            o.putHeader(headers[i], headers[i + 1]);
        }
        return http.request(o)
                .compose(req -> body == null ? req.send() : req.putHeader("content-type", "application/json").send(body))
                .compose(resp -> resp.body().map(b -> new Response(resp, b)))
                .await();
    }

    /** A completed response: status, headers and the whole body. */
    public record Response(HttpClientResponse raw, Buffer body) {
        public int status() {
            return raw.statusCode();
        }

        public String header(String name) {
            return raw.getHeader(name);
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

    public void close() {
        http.close().await();
        gateway.stop().await();
    }
}
