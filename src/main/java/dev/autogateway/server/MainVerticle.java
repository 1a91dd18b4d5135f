package dev.autogateway.server;

import dev.autogateway.config.ServerConfig;
import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.openai.ApiError;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP side: owns the server and the vertx-web router. Several instances share the port, one per event loop;
 * everything they share (config, router, health) is thread-safe and built once by {@link Gateway}.
 */
public final class MainVerticle extends VerticleBase {
    private final ServerConfig serverConfig;
    private final Supplier<Routing> routing;
    private final Lifecycle lifecycle;
    private final GatewayMetrics metrics;
    private final int port;
    private HttpServer server;

    /** @param serverConfig the listening settings, fixed for the process; the rest comes from the current routing */
    MainVerticle(ServerConfig serverConfig, Supplier<Routing> routing, Lifecycle lifecycle, GatewayMetrics metrics, int port) {
        this.serverConfig = serverConfig;
        this.routing = routing;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        ServerConfig s = serverConfig;
        server = vertx.createHttpServer(new HttpServerOptions()
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                // No WebSockets are served: without these Netty's extension handler looks at every request and response.
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(false)
                // Every answer is written on the request's own event loop (replies and stream events are handed to
                // the caller's context first), so Vert.x can write straight to the channel instead of through a
                // thread-safe queue. Vert.x 5 marks the option experimental; a write from another thread would fail
                // loudly, and the whole test suite (Gemini's workers, /metrics, shutdown drains) runs with it.
                .setStrictThreadMode(true)
                .setIdleTimeout(0));
        server.requestHandler(routes());
        return s.socketPath() == null
                ? server.listen(port, s.host())
                : server.listen(SocketAddress.domainSocketAddress(s.socketPath()));
    }

    /** Stops accepting, lets in-flight requests and streams finish up to the drain timeout, then closes the rest. */
    @Override
    public Future<?> stop() {
        return server.shutdown(serverConfig.drainTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private Router routes() {
        Router r = Router.router(vertx);
        r.route().handler(rc -> Exchange.attach(rc, metrics, lifecycle));
        // The hot route right after its auth: a request walks the route list in order.
        BearerAuth auth = new BearerAuth(routing);
        r.route("/v1/*").handler(auth);
        // The body buffer sized from Content-Length (up to 64 KB): the default starts every body at 1 KB, which was
        // the largest single allocation of a small request.
        r.post("/v1/chat/completions")
                .handler(BodyHandler.create(false).setBodyLimit(serverConfig.maxBodyBytes()).setPreallocateBodyBuffer(true))
                .handler(new ChatCompletionsHandler(routing, metrics));
        r.get("/health").handler(rc -> Exchange.of(rc).json(200, new JsonObject().put("status", "ok")));
        r.get("/ready").handler(rc -> Exchange.of(rc).json(lifecycle.draining() ? 503 : 200, new JsonObject()
                .put("status", lifecycle.draining() ? "draining" : "ready").put("providers", routing.get().config().providers().size())));
        // A scrape walks every meter (gateway's and Vert.x's) and grows with providers x models: off the event loop.
        r.get("/metrics").handler(rc -> vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
            if (ar.failed()) {
                rc.fail(ar.cause());
            } else {
                rc.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
            }
        }));
        r.route("/admin/*").handler(auth);
        r.get("/admin/targets").handler(rc -> Exchange.of(rc).json(200, routing.get().router().targetsReport()));
        r.get("/v1/models").handler(new ModelsHandler(routing));
        r.errorHandler(400, rc -> fail(rc, ApiError.invalidRequest("The request could not be read.", null)));
        r.errorHandler(404, rc -> fail(rc, new ApiError(404, "Unknown request URL: " + rc.request().method() + " "
                + rc.request().path() + ".", "invalid_request_error", null, "unknown_url")));
        r.errorHandler(405, rc -> fail(rc, new ApiError(405, "Method " + rc.request().method() + " is not allowed for "
                + rc.request().path() + ".", "invalid_request_error", null, "method_not_allowed")));
        r.errorHandler(413, rc -> fail(rc, new ApiError(413, "The request body exceeds the limit of "
                + serverConfig.maxBodyBytes() + " bytes.", "invalid_request_error", null, "request_too_large")));
        r.errorHandler(500, rc -> fail(rc, new ApiError(500, "Internal gateway error.", "server_error", null, "internal_error")));
        return r;
    }

    private static void fail(RoutingContext rc, ApiError e) {
        Exchange.of(rc).error(e);
    }
}
