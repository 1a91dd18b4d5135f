package dev.autogateway.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.autogateway.routing.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on stdout (see {@link AccessLogWriter}); never a key or a message body. The logger
 * {@code dev.autogateway.access} only switches it on and off ({@code ACCESS_LOG_LEVEL=OFF}, or logback config).
 * The line is written field by field: a JSON tree and its encoder cost more than the rest of a request's bookkeeping.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.autogateway.access");
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private AccessLog() {}

    static void log(Exchange x) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Target t = x.attempts.target();
        StringBuilder b = new StringBuilder(320);
        field(b.append('{'), "request_id", x.requestId);
        field(b.append(','), "method", x.rc.request().method().name());
        field(b.append(','), "path", x.rc.request().path());
        b.append(",\"status\":").append(x.status());
        b.append(",\"stream\":").append(x.stream);
        field(b.append(','), "model_requested", x.model);
        field(b.append(','), "provider", t == null ? null : t.provider().name());
        field(b.append(','), "model", t == null ? null : t.model());
        field(b.append(','), "key", t == null ? null : t.key().fingerprint());
        b.append(",\"attempts\":").append(x.attempts.count());
        field(b.append(','), "outcome", x.outcome);
        b.append(",\"latency_ms\":").append(x.elapsedMs());
        b.append(",\"ttft_ms\":");
        if (x.ttftMs < 0) {
            b.append("null");
        } else {
            b.append(x.ttftMs);
        }
        AccessLogWriter.stdout().write(b.append('}').toString());
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            b.append("null");
        } else {
            QUOTE.quoteAsString(value, b.append('"'));
            b.append('"');
        }
    }
}
