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
    private static final LogLine.Name TIME = new LogLine.Name("time");
    private static final LogLine.Name REQUEST_ID = new LogLine.Name("request_id");
    private static final LogLine.Name METHOD = new LogLine.Name("method");
    private static final LogLine.Name PATH = new LogLine.Name("path");
    private static final LogLine.Name STATUS = new LogLine.Name("status");
    private static final LogLine.Name STREAM = new LogLine.Name("stream");
    private static final LogLine.Name MODEL_REQUESTED = new LogLine.Name("model_requested");
    private static final LogLine.Name PROVIDER = new LogLine.Name("provider");
    private static final LogLine.Name MODEL = new LogLine.Name("model");
    private static final LogLine.Name KEY = new LogLine.Name("key");
    private static final LogLine.Name ATTEMPTS = new LogLine.Name("attempts");
    private static final LogLine.Name OUTCOME = new LogLine.Name("outcome");
    private static final LogLine.Name LATENCY_MS = new LogLine.Name("latency_ms");
    private static final LogLine.Name TTFT_MS = new LogLine.Name("ttft_ms");

    private AccessLog() {}

    static void log(Exchange x) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Target t = x.attempts.target();
        LogLine line = LogLine.start()
                .time(TIME, System.currentTimeMillis())
                .field(REQUEST_ID, x.requestId)
                .field(METHOD, x.rc.request().method().name())
                .field(PATH, x.rc.request().path())
                .field(STATUS, x.status())
                .field(STREAM, x.stream)
                .field(MODEL_REQUESTED, x.model)
                .field(PROVIDER, t == null ? null : t.provider().name())
                .field(MODEL, t == null ? null : t.model())
                .field(KEY, t == null ? null : t.key().fingerprint())
                .field(ATTEMPTS, x.attempts.count())
                .field(OUTCOME, x.outcome)
                .field(LATENCY_MS, x.elapsedMs());
        if (x.ttftMs < 0) {
            line.field(TTFT_MS, null);
        } else {
            line.field(TTFT_MS, x.ttftMs);
        }
        AccessLogWriter.stdout().write(line.end());
    }
}
