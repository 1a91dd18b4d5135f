package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two providers serving model "m": p0 (primary, scripted to fail) and p1 (secondary, healthy). */
@ExtendWith(VertxExtension.class)
class FailoverTest {
    private static final String ROUTER = "{\"retries\":1,\"timeout\":3,\"first_byte_timeout\":0.5,\"idle_timeout\":0.5,\"connect_timeout\":0.5}";

    private MockOpenAi primary;
    private MockOpenAi secondary;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        primary = MockOpenAi.start(vertx);
        secondary = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, "{\"router\":" + ROUTER + ",\"providers\":"
                + TestGateway.providers(List.of(primary.baseUrl(), secondary.baseUrl()), "m") + "}");
    }

    @AfterEach
    void stop() {
        gw.close();
        primary.close().await();
        secondary.close().await();
    }

    private TestGateway.Response ask(boolean stream) {
        return gw.post("/v1/chat/completions", new JsonObject().put("model", "m").put("stream", stream)
                .put("messages", ChatCompletionsProxyTest.userMessage()));
    }

    private static String content(TestGateway.Response r) {
        return r.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    }

    private static String streamedText(TestGateway.Response r) {
        StringBuilder out = new StringBuilder();
        for (String e : r.events()) {
            if (!e.equals("[DONE]") && new JsonObject(e).getJsonArray("choices") != null) {
                for (Object c : new JsonObject(e).getJsonArray("choices")) {
                    Object t = ((JsonObject) c).getJsonObject("delta").getValue("content");
                    out.append(t == null ? "" : t);
                }
            }
        }
        return out.toString();
    }

    @Test
    void should_retry_the_same_target_once_after_a_server_error() {
        primary.on("m", MockOpenAi.status(500, MockOpenAi.error("boom", "server_error", null)), MockOpenAi.answer("recovered"));
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("recovered");
        assertThat(primary.requests()).hasSize(2);
        assertThat(secondary.requests()).isEmpty();
        assertThat(r.header("x-gateway-attempts")).isEqualTo("2");
    }

    @Test
    void should_fail_over_invisibly_when_the_primary_keeps_failing() {
        primary.on("m", MockOpenAi.status(502, MockOpenAi.error("bad gateway", "server_error", null)));
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(content(r)).isEqualTo("Hello from m");
        assertThat(r.header("x-gateway-provider")).isEqualTo("p1");
        assertThat(r.header("x-gateway-attempts")).isEqualTo("3");
        assertThat(primary.requests()).hasSize(2);
    }

    @Test
    void should_fail_over_on_a_long_retry_after_without_waiting_and_then_skip_the_cooling_target() {
        primary.on("m", MockOpenAi.status(429, MockOpenAi.error("slow down", "requests", "rate_limit_exceeded"), "Retry-After", "30"));
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("p1");
        assertThat(primary.requests()).hasSize(1);

        TestGateway.Response again = ask(false);
        assertThat(again.header("x-gateway-attempts")).isEqualTo("1");
        assertThat(primary.requests()).as("the primary said Retry-After 30: left alone meanwhile").hasSize(1);
    }

    @Test
    void should_fail_over_when_the_connection_is_reset_before_headers() {
        primary.on("m", MockOpenAi.reset());
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("p1");
    }

    @Test
    void should_fail_over_when_the_primary_is_unreachable() {
        MockOpenAi dead = primary;
        dead.close().await();
        TestGateway.Response r = ask(true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(streamedText(r)).isEqualTo("Hello from m");
        assertThat(r.header("x-gateway-provider")).isEqualTo("p1");
    }

    @Test
    void should_fail_over_a_stream_whose_first_token_is_too_slow_and_not_retry_it() {
        primary.on("m", MockOpenAi.delayed(2_000, MockOpenAi.answer("too late")));
        TestGateway.Response r = ask(true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(streamedText(r)).isEqualTo("Hello from m");
        assertThat(primary.requests()).as("a silent target is not retried").hasSize(1);
    }

    @Test
    void should_fail_over_invisibly_when_a_stream_is_cut_before_its_first_event() {
        primary.on("m", MockOpenAi.cutAfter(0));
        TestGateway.Response r = ask(true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(streamedText(r)).isEqualTo("Hello from m");
        assertThat(r.events()).last().isEqualTo("[DONE]");
    }

    @Test
    void should_end_a_stream_cut_mid_answer_with_an_in_band_error_and_done_when_no_target_can_complete_it() {
        primary.on("m", MockOpenAi.cutAfter(3));
        TestGateway.Response r = ask(true);
        assertThat(r.status()).isEqualTo(200);
        List<String> events = r.events();
        assertThat(events).last().isEqualTo("[DONE]");
        JsonObject error = new JsonObject(events.get(events.size() - 2)).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("upstream_error");
        assertThat(error.getString("message")).contains("provider 'p0'", "Recovery failed");
        assertThat(streamedText(r)).as("no text from an answer that does not continue this one").isEqualTo("part1 part2 ");
        assertThat(secondary.requests()).as("recovery was tried").hasSize(1);
    }

    @Test
    void should_end_a_stalled_stream_promptly_with_an_in_band_error() {
        primary.on("m", MockOpenAi.stallAfter(2));
        long start = System.nanoTime();
        TestGateway.Response r = ask(true);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        List<String> events = r.events();
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(new JsonObject(events.get(events.size() - 2)).getJsonObject("error").getString("code")).isEqualTo("upstream_timeout");
        assertThat(tookMs).as("ends on the idle timeout, not the total budget").isLessThan(2_500);
    }

    @Test
    void should_take_a_key_that_got_401_out_of_rotation() {
        primary.on("m", MockOpenAi.status(401, MockOpenAi.error("Incorrect API key provided", "invalid_request_error", "invalid_api_key")));
        assertThat(ask(false).header("x-gateway-provider")).isEqualTo("p1");
        assertThat(ask(false).header("x-gateway-attempts")).isEqualTo("1");
        assertThat(primary.requests()).hasSize(1);
    }

    @Test
    void should_answer_502_naming_the_last_cause_when_every_target_fails() {
        primary.on("m", MockOpenAi.status(500, MockOpenAi.error("primary down", "server_error", null)));
        secondary.on("m", MockOpenAi.status(500, MockOpenAi.error("secondary down", "server_error", null)));
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.error().getString("type")).isEqualTo("server_error");
        assertThat(r.error().getString("code")).isEqualTo("upstream_error");
        assertThat(r.error().getString("message")).contains("4 attempt(s)", "p1", "secondary down");
        assertThat(r.error().containsKey("param")).isTrue();
    }

    @Test
    void should_answer_503_with_retry_after_when_every_target_is_rate_limited() {
        primary.on("m", MockOpenAi.status(429, MockOpenAi.error("slow", "requests", "rate_limit_exceeded"), "Retry-After", "20"));
        secondary.on("m", MockOpenAi.status(429, MockOpenAi.error("slow", "requests", "rate_limit_exceeded"), "Retry-After", "20"));
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.error().getString("code")).isEqualTo("rate_limit_exceeded");
        assertThat(r.header("retry-after")).isEqualTo("20");

        TestGateway.Response cooling = ask(true);
        assertThat(cooling.status()).isEqualTo(503);
        assertThat(cooling.error().getString("code")).isEqualTo("upstream_unavailable");
        assertThat(Integer.parseInt(cooling.header("retry-after"))).isBetween(1, 20);
        assertThat(primary.requests()).hasSize(1);
    }

    @Test
    void should_answer_504_within_the_budget_when_every_target_is_silent() {
        primary.on("m", MockOpenAi.hang());
        secondary.on("m", MockOpenAi.hang());
        long start = System.nanoTime();
        TestGateway.Response r = ask(false);
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.error().getString("code")).isEqualTo("upstream_timeout");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(4_000);
    }

    @Test
    void should_answer_504_for_a_stream_when_every_target_is_silent() {
        primary.on("m", MockOpenAi.hang());
        secondary.on("m", MockOpenAi.hang());
        TestGateway.Response r = ask(true);
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(primary.requests()).hasSize(1);
        assertThat(secondary.requests()).hasSize(1);
    }
}
