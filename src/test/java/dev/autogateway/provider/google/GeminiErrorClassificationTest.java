package dev.autogateway.provider.google;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.errors.ServerException;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.ErrorClassifier;
import dev.autogateway.provider.UpstreamFailure;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** {@link ErrorClassifier#fromGenAi}: the SDK's exceptions as the router's error classes. */
class GeminiErrorClassificationTest {

    private static ErrorClass classOf(Throwable t) {
        return ErrorClassifier.fromGenAi(t, false).errorClass();
    }

    @Test
    void maps_geminis_statuses() {
        assertThat(classOf(new ClientException(400, "INVALID_ARGUMENT", "bad field"))).isEqualTo(ErrorClass.CLIENT_ERROR);
        assertThat(classOf(new ClientException(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")))
                .isEqualTo(ErrorClass.AUTH);
        assertThat(classOf(new ClientException(400, "FAILED_PRECONDITION", "User location is not supported for the API use.")))
                .isEqualTo(ErrorClass.AUTH);
        assertThat(classOf(new ClientException(400, "INVALID_ARGUMENT",
                "The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).")))
                .isEqualTo(ErrorClass.CONTEXT_LENGTH);
        assertThat(classOf(new ClientException(401, "UNAUTHENTICATED", "x"))).isEqualTo(ErrorClass.AUTH);
        assertThat(classOf(new ClientException(403, "PERMISSION_DENIED", "x"))).isEqualTo(ErrorClass.AUTH);
        assertThat(classOf(new ClientException(404, "NOT_FOUND", "no model"))).isEqualTo(ErrorClass.CLIENT_ERROR);
        assertThat(classOf(new ServerException(500, "INTERNAL", "x"))).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(classOf(new ServerException(503, "UNAVAILABLE", "overloaded"))).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(classOf(new ServerException(504, "DEADLINE_EXCEEDED", "x"))).isEqualTo(ErrorClass.SERVER_ERROR);
    }

    @Test
    void tells_a_per_minute_rate_limit_from_an_exhausted_quota() {
        assertThat(classOf(new ClientException(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")))
                .isEqualTo(ErrorClass.RATE_LIMIT);
        assertThat(classOf(new ClientException(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your "
                + "plan and billing details.\nDetails: {\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}")))
                .isEqualTo(ErrorClass.RATE_LIMIT);
        assertThat(classOf(new ClientException(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.\nDetails: "
                + "{\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\"}")))
                .isEqualTo(ErrorClass.QUOTA);
        assertThat(classOf(new ClientException(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.")))
                .isEqualTo(ErrorClass.QUOTA);
    }

    @Test
    void reads_geminis_retry_delay() {
        UpstreamFailure f = ErrorClassifier.fromGenAi(new ClientException(429, "RESOURCE_EXHAUSTED",
                "Quota exceeded.\nDetails: {\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"17s\"}"), false);
        assertThat(f.retryAfterMs()).isEqualTo(17_000);
        assertThat(ErrorClassifier.fromGenAi(new ClientException(429, "RESOURCE_EXHAUSTED", "Please retry in 2.5s."), false)
                .retryAfterMs()).isEqualTo(2_500);
        assertThat(ErrorClassifier.fromGenAi(new ClientException(429, "RESOURCE_EXHAUSTED", "x"), false).retryAfterMs()).isEqualTo(-1);
    }

    @Test
    void keeps_the_status_and_an_openai_shaped_error_for_the_client() {
        UpstreamFailure f = ErrorClassifier.fromGenAi(new ApiException(400, "INVALID_ARGUMENT", "bad"), false);
        assertThat(f.status()).isEqualTo(400);
        assertThat(f.upstreamError().getString("type")).isEqualTo("invalid_request_error");
        assertThat(f.upstreamError().getString("code")).isEqualTo("invalid_argument");
        assertThat(f.upstreamError().getString("message")).isEqualTo("bad");
    }

    @Test
    void maps_io_failures_and_timeouts() {
        assertThat(classOf(new GenAiIOException("Failed to execute HTTP request.", new ConnectException("Connection refused"))))
                .isEqualTo(ErrorClass.NETWORK);
        assertThat(classOf(new GenAiIOException("x", new SocketTimeoutException("Connect timed out"))))
                .isEqualTo(ErrorClass.TIMEOUT_CONNECT);
        assertThat(classOf(new GenAiIOException("x", new InterruptedIOException("timeout")))).isEqualTo(ErrorClass.TIMEOUT);
        assertThat(classOf(new GenAiIOException("x", new IOException("unexpected end of stream")))).isEqualTo(ErrorClass.NETWORK);
        assertThat(ErrorClassifier.fromGenAi(new GenAiIOException("x", new IOException("unexpected end of stream")), true)
                .errorClass()).isEqualTo(ErrorClass.STREAM_CUT);
        assertThat(classOf(new IllegalStateException("Failed to convert JSON object"))).isEqualTo(ErrorClass.MALFORMED);
    }
}
