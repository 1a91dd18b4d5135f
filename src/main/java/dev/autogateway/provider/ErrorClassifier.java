package dev.autogateway.provider;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** The one place where upstream responses and transport errors become an {@link ErrorClass}. */
public final class ErrorClassifier {
    private ErrorClassifier() {}

    /** A non-2xx response. {@code retryAfter} is the raw header (seconds or an HTTP date), or null. */
    public static UpstreamFailure fromResponse(int status, Buffer body, String retryAfter, String retryAfterMs) {
        JsonObject error = errorObject(body);
        String code = lower(error, "code");
        String type = lower(error, "type");
        String message = error.getValue("message") instanceof String s ? s : "";
        String lowerMsg = message.toLowerCase(Locale.ROOT);
        ErrorClass cls;
        if (status == 402 || code.equals("insufficient_quota") || type.equals("insufficient_quota")) {
            cls = ErrorClass.QUOTA;
        } else if (status == 429) {
            cls = ErrorClass.RATE_LIMIT;
        } else if (status == 401 || status == 403) {
            cls = ErrorClass.AUTH;
        } else if (status == 503 || status == 529) {
            cls = ErrorClass.OVERLOADED;
        } else if (status >= 500) {
            cls = ErrorClass.SERVER_ERROR;
        } else if (code.equals("context_length_exceeded") || lowerMsg.contains("context length")
                || lowerMsg.contains("context window")) {
            cls = ErrorClass.CONTEXT_LENGTH;
        } else if (code.equals("content_policy_violation") || code.equals("content_filter")) {
            cls = ErrorClass.CONTENT_POLICY;
        } else if (status >= 400) {
            cls = ErrorClass.CLIENT_ERROR;
        } else {
            cls = ErrorClass.MALFORMED;
        }
        String summary = "upstream answered HTTP " + status + (message.isEmpty() ? "" : ": " + message);
        return new UpstreamFailure(cls, status, summary, retryAfterMillis(retryAfter, retryAfterMs), error);
    }

    /** An answer that arrived as {@code {"error":{...}}} with a 2xx status, or as an in-stream error event. */
    public static UpstreamFailure fromStreamError(JsonObject body) {
        Object e = body.getValue("error");
        JsonObject error = e instanceof JsonObject o ? o : new JsonObject().put("message", String.valueOf(e));
        Object code = error.getValue("code");
        int status = code instanceof Number n && n.intValue() >= 400 && n.intValue() < 600 ? n.intValue() : 500;
        UpstreamFailure f = fromResponse(status, new JsonObject().put("error", error).toBuffer(), null, null);
        return new UpstreamFailure(f.errorClass(), f.status(), "the upstream reported an error: " + error.getValue("message"), -1, error);
    }

    /**
     * A transport failure. {@code answered} says whether response headers had arrived: a connection lost after
     * that is a cut stream, before it a network error.
     */
    public static UpstreamFailure fromThrowable(Throwable t, boolean answered) {
        if (t instanceof UpstreamFailure f) {
            return f;
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof ConnectTimeoutException
                || (!answered && (t instanceof TimeoutException || msg.contains("timeout")))) {
            return new UpstreamFailure(ErrorClass.TIMEOUT_CONNECT, "connecting to the upstream timed out");
        }
        if (t instanceof ConnectException) {
            return new UpstreamFailure(ErrorClass.NETWORK, "cannot connect to the upstream: " + msg);
        }
        if (answered) {
            return new UpstreamFailure(ErrorClass.STREAM_CUT, "the upstream connection closed mid-response: " + msg);
        }
        return new UpstreamFailure(ErrorClass.NETWORK, "the upstream connection failed before a response: " + msg);
    }

    /** The upstream's error object whatever its shape: OpenAI's, FastAPI's {@code detail}, or plain text. */
    static JsonObject errorObject(Buffer body) {
        if (body == null || body.length() == 0) {
            return new JsonObject();
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(body);
            if (parsed instanceof JsonObject o) {
                if (o.getValue("error") instanceof JsonObject e) {
                    return e;
                }
                if (o.getValue("error") instanceof String s) {
                    return new JsonObject().put("message", s);
                }
                if (o.getValue("detail") != null) {
                    return new JsonObject().put("message", String.valueOf(o.getValue("detail")));
                }
                return o.containsKey("message") ? o : new JsonObject();
            }
        } catch (DecodeException e) {
            // not JSON: fall through to the text
        }
        String text = body.toString();
        return new JsonObject().put("message", text.length() > 500 ? text.substring(0, 500) : text);
    }

    private static String lower(JsonObject o, String field) {
        Object v = o.getValue(field);
        return v == null ? "" : v.toString().toLowerCase(Locale.ROOT);
    }

    static long retryAfterMillis(String header, String msHeader) {
        if (msHeader != null) {
            try {
                return Math.max(0, Math.round(Double.parseDouble(msHeader.trim())));
            } catch (NumberFormatException ignored) {
                // fall back to Retry-After
            }
        }
        if (header == null || header.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, Math.round(Double.parseDouble(header.trim()) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notDate) {
                return -1;
            }
        }
    }
}
