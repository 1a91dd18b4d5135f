package dev.autogateway.server;

import dev.autogateway.routing.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on stdout (see {@link AccessLogWriter}); never a key or a message body. The logger
 * {@code dev.autogateway.access} only switches it on and off ({@code ACCESS_LOG_LEVEL=OFF}, or logback config).
 * The line is written as bytes field by field ({@link LogLine}): a JSON tree and its encoder cost more than the rest of
 * a request's bookkeeping.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.autogateway.access");

    private AccessLog() {}

    static void log(Exchange x) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Target t = x.attempts.target();
        LogLine line = LogLine.start()
                .time("time", System.currentTimeMillis())
                .field("request_id", x.requestId)
                .field("method", x.rc.request().method().name())
                .field("path", x.rc.request().path())
                .field("status", x.status())
                .field("stream", x.stream)
                .field("model_requested", x.model)
                .field("provider", t == null ? null : t.provider().name())
                .field("model", t == null ? null : t.model())
                .field("key", t == null ? null : t.key().fingerprint())
                .field("attempts", x.attempts.count())
                .field("outcome", x.outcome)
                .field("latency_ms", x.elapsedMs());
        if (x.ttftMs < 0) {
            line.field("ttft_ms", null);
        } else {
            line.field("ttft_ms", x.ttftMs);
        }
        AccessLogWriter.stdout().write(line.end());
    }
}
