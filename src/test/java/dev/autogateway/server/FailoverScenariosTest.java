package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failure scenarios a gateway is for, one test each, against three independent mock upstreams (a, b, c) with
 * short timeouts so the suite stays quick. Production defaults are in README.md.
 */
@ExtendWith(VertxExtension.class)
class FailoverScenariosTest {
    private Vertx vertx;
    private MockOpenAi a;
    private MockOpenAi b;
    private MockOpenAi c;
    private TestGateway gw;

    @BeforeEach
    void mocks(Vertx vertx) {
        this.vertx = vertx;
        a = MockOpenAi.start(vertx);
        b = MockOpenAi.start(vertx);
        c = MockOpenAi.start(vertx);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        a.close().await();
        b.close().await();
        c.close().await();
    }

    /** Providers a, b, c (each its own mock) serving the given models JSON; router settings merged over fast ones. */
    private void gateway(String routerJson, String aModels, String bModels, String cModels) {
        JsonObject router = new JsonObject("{\"retries\":1,\"timeout\":4,\"first_byte_timeout\":0.5,\"idle_timeout\":0.4,"
                + "\"attempt_timeout\":1,\"connect_timeout\":0.5,\"retry_after_cap\":2,\"circuit_failures\":2,\"circuit_reset\":0.5}")
                .mergeIn(new JsonObject(routerJson));
        JsonArray providers = new JsonArray();
        String[][] specs = {{"a", a.baseUrl(), aModels}, {"b", b.baseUrl(), bModels}, {"c", c.baseUrl(), cModels}};
        for (String[] s : specs) {
            if (s[2] != null) {
                providers.add(new JsonObject().put("name", s[0]).put("type", "openai_compatible").put("base_url", s[1])
                        .put("api_key", "sk-" + s[0]).put("models", new JsonObject(s[2])));
            }
        }
        gw = TestGateway.start(vertx, new JsonObject().put("router", router).put("providers", providers).encode());
    }

    private TestGateway.Response ask(String model, boolean stream, String... headers) {
        return gw.post("/v1/chat/completions", new JsonObject().put("model", model).put("stream", stream)
                .put("messages", ChatCompletionsProxyTest.userMessage()), headers);
    }

    private static String streamedText(TestGateway.Response r) {
        StringBuilder out = new StringBuilder();
        for (String e : r.events()) {
            JsonObject chunk = e.equals("[DONE]") ? new JsonObject() : new JsonObject(e);
            for (Object o : chunk.getJsonArray("choices", new JsonArray())) {
                Object t = ((JsonObject) o).getJsonObject("delta").getValue("content");
                out.append(t == null ? "" : t);
            }
        }
        return out.toString();
    }

    private static JsonObject lastEvent(TestGateway.Response r) {
        List<String> events = r.events();
        assertThat(events).last().isEqualTo("[DONE]");
        return new JsonObject(events.get(events.size() - 2));
    }

    /** Records when each request arrives, then behaves like {@code then}. */
    private static MockOpenAi.Behavior timed(List<Long> arrivals, MockOpenAi.Behavior then) {
        return (v, req, body) -> {
            arrivals.add(System.nanoTime() / 1_000_000);
            then.respond(v, req, body);
        };
    }

    private static MockOpenAi.Behavior rateLimited(String... headers) {
        return MockOpenAi.status(429, MockOpenAi.error("Rate limit reached", "requests", "rate_limit_exceeded"), headers);
    }

    // ---- rate limits ----

    @Test
    void should_wait_out_a_short_retry_after_when_no_other_target_can_serve() {
        gateway("{}", "{\"m\":[]}", null, null);
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        a.on("m", timed(arrivals, rateLimited("Retry-After", "1")), timed(arrivals, MockOpenAi.answer("after the wait")));
        TestGateway.Response r = ask("m", false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(arrivals).hasSize(2);
        assertThat(arrivals.get(1) - arrivals.get(0)).as("Retry-After: 1 was honoured").isGreaterThanOrEqualTo(950);
    }

    @Test
    void should_fail_over_at_once_when_retry_after_is_past_the_cap_and_cool_the_target_for_everyone() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[]}", null);
        a.on("m", rateLimited("Retry-After", "30"));
        long start = System.nanoTime();
        TestGateway.Response r = ask("m", false);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
        assertThat(r.header("x-gateway-provider")).isEqualTo("b");
        for (int i = 0; i < 3; i++) {
            assertThat(ask("m", false).header("x-gateway-attempts")).isEqualTo("1");
        }
        assertThat(a.requests()).as("no request reaches a target inside its Retry-After").hasSize(1);
    }

    @Test
    void should_back_off_without_hammering_when_429_has_no_retry_after() {
        gateway("{}", "{\"m\":[]}", null, null);
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        a.on("m", timed(arrivals, rateLimited()));
        TestGateway.Response r = ask("m", false);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.error().getString("code")).isEqualTo("rate_limit_exceeded");
        assertThat(arrivals).as("one retry after a backoff, no tight loop").hasSize(2);
        assertThat(arrivals.get(1) - arrivals.get(0)).isGreaterThanOrEqualTo(450);
    }

    // ---- server errors, silence ----

    @Test
    void should_bound_attempts_on_a_persistently_overloaded_target() {
        gateway("{}", "{\"m\":[]}", null, null);
        a.on("m", MockOpenAi.status(503, MockOpenAi.error("overloaded", "server_error", null)));
        TestGateway.Response r = ask("m", false);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.error().getString("code")).isEqualTo("upstream_unavailable");
        assertThat(a.requests()).hasSize(2);
    }

    @Test
    void should_try_a_silent_target_once_and_still_answer_from_another() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[]}", null);
        a.on("m", MockOpenAi.hang());
        TestGateway.Response r = ask("m", false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-provider")).isEqualTo("b");
        assertThat(a.requests()).hasSize(1);
    }

    /** A request with a one-second budget ({@code x-gateway-timeout: 1}), and how long it took. */
    private record Timed(TestGateway.Response response, long ms) {}

    private Timed askWithOneSecondBudget(boolean stream) {
        long start = System.nanoTime();
        TestGateway.Response r = ask("m", stream, "x-gateway-timeout", "1");
        return new Timed(r, (System.nanoTime() - start) / 1_000_000);
    }

    /** Ended by the one-second budget: not before it, and well before the 4 s router timeout these tests run with. */
    private static void assertEndedByTheBudget(Timed t) {
        assertThat(t.ms()).as("the per-request budget header was honoured").isBetween(900L, 3_500L);
    }

    @Test
    void should_end_inside_the_budget_when_nothing_answers() {
        gateway("{\"attempt_timeout\":10}", "{\"m\":[]}", null, null);
        a.on("m", MockOpenAi.hang());
        Timed t = askWithOneSecondBudget(false);
        assertThat(t.response().status()).isEqualTo(504);
        assertEndedByTheBudget(t);
        assertThat(a.requests()).hasSize(1);
    }

    @Test
    void should_answer_504_inside_the_budget_when_a_stream_never_starts() {
        gateway("{\"first_byte_timeout\":10,\"attempt_timeout\":10}", "{\"m\":[]}", null, null);
        a.on("m", MockOpenAi.hang());
        Timed t = askWithOneSecondBudget(true);
        assertThat(t.response().status()).isEqualTo(504);
        assertThat(t.response().error().getString("code")).isEqualTo("upstream_timeout");
        assertEndedByTheBudget(t);
    }

    @Test
    void should_end_a_stream_that_outlives_its_budget_with_an_in_band_timeout_and_done() {
        gateway("{\"idle_timeout\":10}", "{\"m\":[]}", null, null);
        String[] slow = new String[20];
        for (int i = 0; i < slow.length; i++) {
            slow[i] = MockOpenAi.chunk(new JsonObject().put("model", "m"), new JsonObject().put("content", "w" + i + " "), null).encode();
        }
        a.on("m", MockOpenAi.events(300, slow));
        Timed t = askWithOneSecondBudget(true);
        assertThat(t.response().status()).as("the stream had started").isEqualTo(200);
        // Events 300 ms apart: about four fit in the one-second budget, none near the sixth.
        assertThat(streamedText(t.response())).startsWith("w0 w1 ").doesNotContain("w5");
        assertThat(lastEvent(t.response()).getJsonObject("error").getString("code")).isEqualTo("upstream_timeout");
        assertEndedByTheBudget(t);
        assertThat(recoveries("failed")).as("a stream cut by its budget did not complete").isEqualTo(1.0);
    }

    @Test
    void should_refuse_a_malformed_budget_header() {
        gateway("{}", "{\"m\":[]}", null, null);
        TestGateway.Response r = ask("m", false, "x-gateway-timeout", "soon");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("param")).isEqualTo("x-gateway-timeout");
    }

    // ---- streams ----

    @Test
    void should_complete_an_answer_whose_stream_is_cut_mid_way_from_another_target() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[]}", null);
        a.on("m", MockOpenAi.cutAfter(3));
        b.on("m", MockOpenAi.answer("part1 part2 part3 end"));
        TestGateway.Response r = ask("m", true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(streamedText(r)).isEqualTo("part1 part2 part3 end");
        assertThat(r.events()).last().isEqualTo("[DONE]");
        List<String> ids = r.events().stream().filter(e -> !e.equals("[DONE]")).map(e -> new JsonObject(e).getString("id")).distinct().toList();
        assertThat(ids).as("one answer, one id").hasSize(1);
        assertThat(b.requests().get(0).body().getJsonArray("messages")).as("no prefill for a model without the feature")
                .isEqualTo(ChatCompletionsProxyTest.userMessage());
        assertThat(recoveries("recovered")).isEqualTo(1.0);
    }

    /** {@code gateway_stream_recoveries_total} for one result. */
    private double recoveries(String result) {
        return gw.metric("gateway_stream_recoveries_total{result=\"" + result + "\"}");
    }

    @Test
    void should_complete_a_stalled_stream_from_another_target() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[]}", null);
        a.on("m", MockOpenAi.stallAfter(2));
        b.on("m", MockOpenAi.answer("part1\n\nthe rest"));
        TestGateway.Response r = ask("m", true);
        assertThat(streamedText(r)).as("whitespace runs compare as one space").isEqualTo("part1 the rest");
    }

    @Test
    void should_continue_from_a_prefill_on_a_model_that_accepts_one() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[\"prefill\"]}", null);
        a.on("m", MockOpenAi.cutAfter(3));
        b.on("m", MockOpenAi.answer("part3 end"));
        TestGateway.Response r = ask("m", true);
        assertThat(streamedText(r)).isEqualTo("part1 part2 part3 end");
        JsonArray sent = b.requests().get(0).body().getJsonArray("messages");
        assertThat(sent.getJsonObject(sent.size() - 1))
                .isEqualTo(new JsonObject().put("role", "assistant").put("content", "part1 part2 "));
    }

    @Test
    void should_pass_over_a_fallback_that_rejects_the_prefill_and_never_report_that_rejection() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[\"prefill\"]}", "{\"m\":[]}");
        a.on("m", MockOpenAi.cutAfter(3));
        b.on("m", MockOpenAi.status(400, MockOpenAi.error("assistant prefill is not supported", "invalid_request_error", null)));
        c.on("m", MockOpenAi.answer("part1 part2 and done"));
        assertThat(streamedText(ask("m", true))).isEqualTo("part1 part2 and done");

        c.on("m", MockOpenAi.answer("something else entirely"));
        JsonObject error = lastEvent(ask("m", true)).getJsonObject("error");
        assertThat(error.getString("message")).contains("provider 'a'").doesNotContain("prefill is not supported");
    }

    @Test
    void should_not_splice_after_tool_calls_were_streamed() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[]}", null);
        JsonObject req = new JsonObject().put("model", "m");
        a.on("m", (v, rq, body) -> {
            rq.response().setChunked(true).putHeader("content-type", "text/event-stream");
            rq.response().write("data: " + MockOpenAi.chunk(req, new JsonObject().put("role", "assistant").put("tool_calls",
                    new JsonArray().add(new JsonObject().put("index", 0).put("id", "call_1").put("type", "function")
                            .put("function", new JsonObject().put("name", "f").put("arguments", "{\\\"a\\\"")))), null).encode() + "\n\n");
            v.setTimer(20, id -> rq.connection().close());
        });
        TestGateway.Response r = ask("m", true);
        assertThat(lastEvent(r).getJsonObject("error").getString("code")).isEqualTo("upstream_error");
        assertThat(recoveries("failed")).isEqualTo(1.0);
        assertThat(recoveries("recovered")).isZero();
        assertThat(b.requests()).isEmpty();
    }

    @Test
    void should_skip_a_malformed_event_in_an_otherwise_good_stream() {
        gateway("{}", "{\"m\":[]}", null, null);
        JsonObject req = new JsonObject().put("model", "m");
        a.on("m", MockOpenAi.events(0,
                MockOpenAi.chunk(req, new JsonObject().put("role", "assistant").put("content", "good "), null).encode(),
                "{not json at all",
                MockOpenAi.chunk(req, new JsonObject().put("content", "stream"), null).encode(),
                MockOpenAi.chunk(req, new JsonObject(), "stop").encode(),
                "[DONE]"));
        TestGateway.Response r = ask("m", true);
        assertThat(streamedText(r)).isEqualTo("good stream");
        assertThat(r.body().toString()).doesNotContain("not json");
        assertThat(gw.get("/metrics").body().toString()).as("skipped, and counted")
                .contains("gateway_malformed_events_total{provider=\"a\"} 1.0");
    }

    // ---- request-level faults ----

    @Test
    void should_try_a_context_length_error_once_per_model_then_use_the_larger_context_fallback() {
        gateway("{\"context_window_fallbacks\":{\"small\":[\"big\"]}}", "{\"small\":[]}", "{\"small\":[]}", "{\"big\":[]}");
        MockOpenAi.Behavior tooLong = MockOpenAi.status(400, MockOpenAi.error(
                "This model's maximum context length is 8192 tokens.", "invalid_request_error", "context_length_exceeded"));
        a.on("small", tooLong);
        b.on("small", tooLong);
        TestGateway.Response r = ask("small", false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-gateway-model")).isEqualTo("big");
        assertThat(r.json().getString("model")).isEqualTo("big");
        assertThat(a.requests()).hasSize(1);
        assertThat(b.requests()).as("the same model is never asked again").isEmpty();
    }

    @Test
    void should_return_a_context_length_error_when_there_is_no_larger_model() {
        gateway("{}", "{\"small\":[]}", "{\"small\":[]}", null);
        a.on("small", MockOpenAi.status(400, MockOpenAi.error("too long", "invalid_request_error", "context_length_exceeded")));
        TestGateway.Response r = ask("small", false);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("code")).isEqualTo("context_length_exceeded");
        assertThat(b.requests()).isEmpty();
    }

    @Test
    void should_propagate_a_content_policy_refusal_after_one_attempt() {
        gateway("{}", "{\"m\":[]}", "{\"m\":[]}", null);
        a.on("m", MockOpenAi.status(400, MockOpenAi.error("Your request was rejected by the safety system.",
                "invalid_request_error", "content_policy_violation")));
        TestGateway.Response r = ask("m", false);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error().getString("code")).isEqualTo("content_policy_violation");
        assertThat(r.error().getString("message")).isEqualTo("Your request was rejected by the safety system.");
        assertThat(b.requests()).isEmpty();
    }

    // ---- fallbacks and circuits ----

    @Test
    void should_answer_from_a_fallback_model_and_name_it_everywhere() {
        gateway("{\"fallbacks\":{\"primary\":[\"backup\"]}}", "{\"primary\":[]}", "{\"backup\":[]}", null);
        a.on("primary", MockOpenAi.status(500, MockOpenAi.error("down", "server_error", null)));
        TestGateway.Response r = ask("primary", false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getString("model")).isEqualTo("backup");
        assertThat(r.header("x-gateway-model")).isEqualTo("backup");
        assertThat(r.header("x-gateway-provider")).isEqualTo("b");
        assertThat(r.json().getJsonObject("usage").getInteger("total_tokens")).isEqualTo(12);
        assertThat(b.requests().get(0).model()).isEqualTo("backup");
    }

    @Test
    void should_use_a_models_own_fallbacks_list() {
        gateway("{}", "{\"primary\":{\"features\":[],\"fallbacks\":[\"backup\"]}}", "{\"backup\":[]}", null);
        a.on("primary", MockOpenAi.reset());
        assertThat(ask("primary", true).header("x-gateway-model")).isEqualTo("backup");
    }

    @Test
    void should_route_around_a_flapping_primary_and_return_to_it_once_it_recovers() throws Exception {
        gateway("{\"retries\":0}", "{\"m\":[]}", "{\"m\":[]}", null);
        long recoversAt = System.nanoTime() + 1_500_000_000L;
        a.on("m", (v, req, body) -> {
            if (System.nanoTime() < recoversAt) {
                MockOpenAi.json(req.response(), 500, MockOpenAi.error("down", "server_error", null));
            } else {
                MockOpenAi.answer("primary is back").respond(v, req, body);
            }
        });
        int servedDuringOutage = 0;
        while (System.nanoTime() < recoversAt - 100_000_000L) {
            TestGateway.Response r = ask("m", false);
            assertThat(r.status()).isEqualTo(200);
            servedDuringOutage++;
            Thread.sleep(20);
        }
        assertThat(a.requests().size()).as("an open circuit spares the primary most attempts")
                .isLessThan(servedDuringOutage / 2);
        long backAt = 0;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if ("a".equals(ask("m", false).header("x-gateway-provider"))) {
                backAt = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        assertThat(backAt).as("the primary serves again soon after it recovers").isPositive();
        assertThat((backAt - recoversAt) / 1_000_000).isLessThan(2_000);
        assertThat(ask("m", false).header("x-gateway-provider")).isEqualTo("a");
    }
}
