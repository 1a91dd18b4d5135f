package dev.autogateway.provider;

import com.google.genai.errors.ApiException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one place where upstream responses and transport errors become an {@link ErrorClass}. */
public final class ErrorClassifier {
    /** Gemini's RetryInfo detail ({@code "retryDelay": "17s"}) or its prose ("Please retry in 17.5s"). */
    private static final Pattern GOOGLE_RETRY_DELAY =
            Pattern.compile("(?:\"retryDelay\"\\s*:\\s*\"|retry in )([0-9]+(?:\\.[0-9]+)?)s", Pattern.CASE_INSENSITIVE);

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

    /**
     * A failure of the google-genai SDK: an {@link ApiException} (Gemini's {@code {"error":{"code","message","status"}}},
     * whether it came as the HTTP answer or as an event inside a stream), or an IO failure wrapped in a
     * {@code GenAiIOException}. {@code answered} says whether the stream had delivered events: an IO failure after
     * that is a cut stream.
     */
    public static UpstreamFailure fromGenAi(Throwable t, boolean answered) {
        if (t instanceof UpstreamFailure f) {
            return f;
        }
        if (t instanceof ApiException e) {
            return fromGoogleError(e.code(), e.status(), e.message() == null ? "" : e.message());
        }
        IOException io = ioCause(t);
        if (io == null) {
            return new UpstreamFailure(ErrorClass.MALFORMED, "the Gemini SDK failed: " + describe(t));
        }
        String msg = describe(io);
        if (io instanceof SocketTimeoutException && msg.toLowerCase(Locale.ROOT).contains("connect")) {
            return new UpstreamFailure(ErrorClass.TIMEOUT_CONNECT, "connecting to Gemini timed out");
        }
        if (io instanceof InterruptedIOException) {
            // OkHttp's call timeout, which the provider sets to the request's remaining budget.
            return new UpstreamFailure(ErrorClass.TIMEOUT, "the Gemini call did not finish within the request's budget");
        }
        if (io instanceof ConnectException || io instanceof UnknownHostException) {
            return new UpstreamFailure(ErrorClass.NETWORK, "cannot connect to Gemini: " + msg);
        }
        if (answered) {
            return new UpstreamFailure(ErrorClass.STREAM_CUT, "the Gemini stream broke mid-response: " + msg);
        }
        return new UpstreamFailure(ErrorClass.NETWORK, "the Gemini connection failed before a response: " + msg);
    }

    /**
     * Gemini's error statuses. Two need more than the HTTP code: a bad key is a 400 INVALID_ARGUMENT ("API key not
     * valid"), and a 400 FAILED_PRECONDITION (billing not enabled, location not supported) is about the key's
     * project, not the request, so another key or provider may well serve it.
     */
    static UpstreamFailure fromGoogleError(int code, String status, String message) {
        String s = status == null ? "" : status.toUpperCase(Locale.ROOT);
        String lowerMsg = message.toLowerCase(Locale.ROOT);
        ErrorClass cls;
        if (code == 401 || code == 403 || s.equals("UNAUTHENTICATED") || s.equals("PERMISSION_DENIED")
                || lowerMsg.contains("api key not valid") || lowerMsg.contains("api_key_invalid")
                || lowerMsg.contains("api key expired") || s.equals("FAILED_PRECONDITION")) {
            cls = ErrorClass.AUTH;
        } else if (code == 429 || s.equals("RESOURCE_EXHAUSTED")) {
            cls = quotaOrRateLimit(lowerMsg);
        } else if (code == 503 || s.equals("UNAVAILABLE")) {
            cls = ErrorClass.OVERLOADED;
        } else if (code >= 500) {
            cls = ErrorClass.SERVER_ERROR;
        } else if (lowerMsg.contains("token count") && lowerMsg.contains("exceeds")) {
            cls = ErrorClass.CONTEXT_LENGTH;
        } else if (code >= 400) {
            cls = ErrorClass.CLIENT_ERROR;
        } else {
            cls = ErrorClass.SERVER_ERROR;
        }
        // Worded as OpenAI's error object, so a client's mistake reaches the client the way it expects errors.
        JsonObject error = new JsonObject()
                .put("message", message)
                .put("type", code >= 500 ? "server_error" : "invalid_request_error")
                .put("param", null)
                .put("code", s.isEmpty() ? null : s.toLowerCase(Locale.ROOT));
        String summary = "Gemini answered " + code + (s.isEmpty() ? "" : " " + s) + (message.isEmpty() ? "" : ": " + message);
        return new UpstreamFailure(cls, code, summary, googleRetryDelayMs(message), error);
    }

    /**
     * A 429 names the exhausted quota in its QuotaFailure detail, which the SDK appends to the message: a per-minute
     * limit passes soon (rate limit), a per-day one or a billing problem does not (quota).
     */
    private static ErrorClass quotaOrRateLimit(String lowerMsg) {
        if (lowerMsg.contains("perminute") || lowerMsg.contains("per minute") || lowerMsg.contains("per_minute")) {
            return ErrorClass.RATE_LIMIT;
        }
        if (lowerMsg.contains("perday") || lowerMsg.contains("per day") || lowerMsg.contains("per_day")
                || lowerMsg.contains("billing") || lowerMsg.contains("credit") || lowerMsg.contains("prepay")) {
            return ErrorClass.QUOTA;
        }
        return ErrorClass.RATE_LIMIT;
    }

    static long googleRetryDelayMs(String message) {
        Matcher m = GOOGLE_RETRY_DELAY.matcher(message);
        return m.find() ? Math.round(Double.parseDouble(m.group(1)) * 1000) : -1;
    }

    private static IOException ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
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
