package dev.autogateway.provider;

import io.vertx.core.json.JsonObject;

/**
 * A classified failed attempt. {@code message} is safe to show a client: it never holds a key or a request body.
 * {@code upstreamError} is the upstream's own {@code error} object, kept so that a client's mistake can be returned
 * to it as the upstream worded it.
 */
public final class UpstreamFailure extends RuntimeException {
    private final ErrorClass errorClass;
    private final int status;
    private final long retryAfterMs;
    private final transient JsonObject upstreamError;

    public UpstreamFailure(ErrorClass errorClass, int status, String message, long retryAfterMs, JsonObject upstreamError) {
        super(message, null, false, false);
        this.errorClass = errorClass;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
        this.upstreamError = upstreamError;
    }

    public UpstreamFailure(ErrorClass errorClass, String message) {
        this(errorClass, 0, message, -1, null);
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The upstream's HTTP status, or 0 when no response was received. */
    public int status() {
        return status;
    }

    /** The upstream's Retry-After in milliseconds, or -1 when it gave none. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    public JsonObject upstreamError() {
        return upstreamError;
    }
}
