package dev.autogateway.server;

import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.openai.ApiError;
import dev.autogateway.routing.Attempts;
import dev.autogateway.routing.RequestNeeds;
import dev.autogateway.routing.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client request's state and its only ways to answer. Every path ends here, and each end method is a no-op once
 * an answer has gone out, so a request gets exactly one.
 */
final class Exchange {
    final RoutingContext rc;
    final HttpServerResponse response;
    final String requestId;
    final long startNanos = System.nanoTime();
    final Attempts attempts = new Attempts();
    String model;
    boolean stream;
    long ttftMs = -1;
    String outcome = "ok";
    private Lifecycle lifecycle;
    /** What the request needs of a target; says which content a target that answered had to go without. */
    RequestNeeds needs = RequestNeeds.NONE;

    private static final String KEY = "gw.exchange";
    // Header names and fixed values pre-encoded once, not on every response.
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final CharSequence PROVIDER = HttpHeaders.createOptimized("x-gateway-provider");
    private static final CharSequence MODEL = HttpHeaders.createOptimized("x-gateway-model");
    private static final CharSequence ATTEMPTS = HttpHeaders.createOptimized("x-gateway-attempts");
    /** Names the content part types (e.g. {@code image_url}) the answering model could not take and did not get. */
    static final String CONTENT_DROPPED_HEADER = "x-gateway-content-dropped";

    /** Starts the exchange of a new request; its access-log line and metrics are written when the response ends. */
    static void attach(RoutingContext rc, GatewayMetrics metrics, Lifecycle lifecycle) {
        Exchange x = new Exchange(rc);
        x.lifecycle = lifecycle;
        rc.put(KEY, x);
        rc.addEndHandler(ar -> {
            if (ar.failed()) {
                // The client left (or a shutdown cut it) before its answer ended: attempts still running are for
                // nobody, and the log says so, streaming or not.
                x.attempts.cancel();
                x.outcome = x.cutOutcome();
            }
            AccessLog.log(x);
            if (x.model != null || x.attempts.count() > 0) {
                Target t = x.attempts.target();
                // Labelled by what served the request, never by the client's free-form model string.
                metrics.request(t == null ? null : t.provider().name(), t == null ? null : t.configuredModel(),
                        x.status(), x.stream, x.elapsedMs(), x.ttftMs);
            }
        });
        rc.next();
    }

    static Exchange of(RoutingContext rc) {
        Exchange x = rc.get(KEY);
        return x != null ? x : new Exchange(rc);
    }

    private Exchange(RoutingContext rc) {
        this.rc = rc;
        this.response = rc.response();
        String given = rc.request().getHeader(REQUEST_ID);
        // A client's id is echoed only as it can go in a header line; anything else gets an id of the gateway's.
        this.requestId = given != null && !given.isBlank() && given.length() <= 200 && HeaderValues.isSafe(given)
                ? given : randomId();
        response.putHeader(REQUEST_ID, requestId);
    }

    /**
     * A random version-4 UUID from a per-thread generator: request ids must be unique, not unguessable, and
     * {@link UUID#randomUUID()}'s SecureRandom costs more than the rest of the request's bookkeeping.
     */
    static String randomId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** Why a response was cut short by its connection closing: the client left, or a shutdown's drain ran out. */
    String cutOutcome() {
        return lifecycle != null && lifecycle.draining() ? "cut_by_shutdown" : "client_closed";
    }

    /** The status the client got; 499 (nginx's "client closed request") when it left before any was sent. */
    int status() {
        return response.headWritten() ? response.getStatusCode() : 499;
    }

    boolean answered() {
        return response.ended() || response.closed() || response.headWritten();
    }

    long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Gateway headers that name what served the request. */
    void routingHeaders(Target t) {
        // A wildcard target's model and the content part types are the client's strings; provider names are checked
        // at load.
        response.putHeader(PROVIDER, t.provider().name())
                .putHeader(MODEL, HeaderValues.safe(t.model()))
                .putHeader(ATTEMPTS, Integer.toString(attempts.count()));
        Set<String> dropped = needs.droppedBy(t);
        if (!dropped.isEmpty()) {
            response.putHeader(CONTENT_DROPPED_HEADER, HeaderValues.safe(String.join(", ", new TreeSet<>(dropped))));
        }
    }

    void json(int status, JsonObject body) {
        json(status, body.toBuffer());
    }

    void json(int status, Buffer body) {
        if (answered()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
    }

    void error(ApiError e) {
        outcome = e.code() == null ? "error" : e.code();
        if (answered()) {
            return;
        }
        if (e.retryAfterSeconds() > 0) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        if (attempts.count() > 0) {
            response.putHeader(ATTEMPTS, Integer.toString(attempts.count()));
        }
        json(e.status() == 499 ? 503 : e.status(), e.toJson());
    }

    void error(Throwable t) {
        error(t instanceof ApiError a ? a : new ApiError(500, "Internal gateway error.", "server_error", null, "internal_error"));
    }

    void write(Buffer b) {
        response.write(b);
    }
}
