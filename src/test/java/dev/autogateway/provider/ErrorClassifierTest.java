package dev.autogateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {

    private static ErrorClass classify(int status, String body) {
        return ErrorClassifier.fromResponse(status, Buffer.buffer(body), null, null).errorClass();
    }

    @Test
    void classifies_statuses_and_openai_error_codes() {
        assertThat(classify(429, "{\"error\":{\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}}")).isEqualTo(ErrorClass.RATE_LIMIT);
        assertThat(classify(429, "{\"error\":{\"message\":\"pay\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}")).isEqualTo(ErrorClass.QUOTA);
        assertThat(classify(402, "")).isEqualTo(ErrorClass.QUOTA);
        assertThat(classify(401, "{\"error\":{\"code\":\"invalid_api_key\"}}")).isEqualTo(ErrorClass.AUTH);
        assertThat(classify(403, "forbidden")).isEqualTo(ErrorClass.AUTH);
        assertThat(classify(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\",\"code\":\"context_length_exceeded\"}}"))
                .isEqualTo(ErrorClass.CONTEXT_LENGTH);
        assertThat(classify(400, "{\"error\":{\"message\":\"no\",\"code\":\"content_policy_violation\"}}")).isEqualTo(ErrorClass.CONTENT_POLICY);
        assertThat(classify(400, "{\"error\":{\"message\":\"bad\"}}")).isEqualTo(ErrorClass.CLIENT_ERROR);
        assertThat(classify(500, "oops")).isEqualTo(ErrorClass.SERVER_ERROR);
        assertThat(classify(503, "")).isEqualTo(ErrorClass.OVERLOADED);
        assertThat(classify(529, "")).isEqualTo(ErrorClass.OVERLOADED);
    }

    @Test
    void reads_retry_after_as_seconds_an_http_date_or_milliseconds() {
        assertThat(ErrorClassifier.retryAfterMillis("2", null)).isEqualTo(2_000);
        assertThat(ErrorClassifier.retryAfterMillis("0.5", null)).isEqualTo(500);
        assertThat(ErrorClassifier.retryAfterMillis(null, "250")).isEqualTo(250);
        assertThat(ErrorClassifier.retryAfterMillis("soon", null)).isEqualTo(-1);
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        assertThat(ErrorClassifier.retryAfterMillis(inTenSeconds, null)).isBetween(8_000L, 10_000L);
    }

    @Test
    void keeps_the_upstreams_message_from_any_error_shape() {
        assertThat(ErrorClassifier.fromResponse(422, Buffer.buffer("{\"detail\":\"field required\"}"), null, null).getMessage())
                .isEqualTo("upstream answered HTTP 422: field required");
        assertThat(ErrorClassifier.fromResponse(502, Buffer.buffer("Bad Gateway"), null, null).getMessage())
                .isEqualTo("upstream answered HTTP 502: Bad Gateway");
    }
}
