package dev.autogateway.server;

import dev.autogateway.routing.Target;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on stdout (see {@link AccessLogWriter}); never a key or a message body. The logger
 * {@code dev.autogateway.access} only switches it on and off ({@code ACCESS_LOG_LEVEL=OFF}, or logback config).
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.autogateway.access");

    private AccessLog() {}

    static void log(Exchange x) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Target t = x.attempts.target();
        JsonObject line = new JsonObject()
                .put("request_id", x.requestId)
                .put("method", x.rc.request().method().name())
                .put("path", x.rc.request().path())
                .put("status", x.response.getStatusCode())
                .put("stream", x.stream)
                .put("model_requested", x.model)
                .put("provider", t == null ? null : t.provider().name())
                .put("model", t == null ? null : t.model())
                .put("key", t == null ? null : t.key().fingerprint())
                .put("attempts", x.attempts.count())
                .put("outcome", x.outcome)
                .put("latency_ms", x.elapsedMs())
                .put("ttft_ms", x.ttftMs < 0 ? null : x.ttftMs);
        AccessLogWriter.stdout().write(line.encode());
    }
}
