package dev.autogateway.openai;

import io.vertx.core.json.JsonObject;

/**
 * An error as OpenAI words it: {@code {"error":{"message","type","param","code"}}} with its HTTP status.
 * {@code retryAfterSeconds} is sent as a Retry-After header when positive.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final long retryAfterSeconds;

    public ApiError(int status, String message, String type, String param, String code, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiError(int status, String message, String type, String param, String code) {
        this(status, message, type, param, code, 0);
    }

    public static ApiError invalidRequest(String message, String param) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    public static ApiError invalidRequest(String message, String param, String code) {
        return new ApiError(400, message, "invalid_request_error", param, code);
    }

    public static ApiError modelNotFound(String message) {
        return new ApiError(404, message, "invalid_request_error", "model", "model_not_found");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public JsonObject toJson() {
        return new JsonObject().put("error", new JsonObject()
                .put("message", getMessage())
                .put("type", type)
                .put("param", param)
                .put("code", code));
    }
}
