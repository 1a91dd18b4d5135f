package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.Await;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The learning strategies in a running gateway: the admin view of what they learned, stickiness, persistence. */
@ExtendWith(VertxExtension.class)
class AdaptiveRoutingTest {
    @TempDir
    Path dir;

    private Vertx vertx;
    private MockOpenAi a;
    private MockOpenAi b;
    private TestGateway gw;

    @BeforeEach
    void mocks(Vertx vertx) {
        this.vertx = vertx;
        a = MockOpenAi.start(vertx);
        b = MockOpenAi.start(vertx);
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        a.close().await();
        b.close().await();
    }

    private void gateway(String strategy, String serverJson) {
        gateway(strategy, serverJson, new JsonObject());
    }

    private void gateway(String strategy, String serverJson, JsonObject router) {
        JsonArray providers = new JsonArray()
                .add(new JsonObject().put("name", "a").put("type", "openai_compatible").put("base_url", a.baseUrl())
                        .put("api_key", new JsonObject().put("main", "sk-secret-a")).put("models", new JsonArray().add("m")))
                .add(new JsonObject().put("name", "b").put("type", "openai_compatible").put("base_url", b.baseUrl())
                        .put("api_key", "sk-secret-b").put("models", new JsonArray().add("m")));
        gw = TestGateway.start(vertx, new JsonObject().put("server", new JsonObject(serverJson))
                .put("router", router.copy().put("strategy", strategy).put("retries", 0)
                        .put("persistence_path", dir.resolve("state.json").toString()))
                .put("providers", providers).encode());
    }

    private TestGateway.Response ask(JsonArray messages, String... headers) {
        return gw.post("/v1/chat/completions", new JsonObject().put("model", "m").put("messages", messages), headers);
    }

    private static JsonArray conversation(String opening) {
        return new JsonArray().add(new JsonObject().put("role", "user").put("content", opening));
    }

    @Test
    void should_report_each_targets_live_state_behind_the_gateway_key_and_never_a_key() {
        // A short half-life, so the bandit's discounting shows within the test.
        gateway("adaptive", "{\"api_key\":\"gw-key\"}", new JsonObject().put("bandit_half_life", 0.5));
        b.on("m", MockOpenAi.status(429, MockOpenAi.error("slow down", "requests", "rate_limit_exceeded"), "Retry-After", "30"));
        for (int i = 0; i < 3; i++) {
            assertThat(ask(conversation("hi " + i), "Authorization", "Bearer gw-key").status()).isEqualTo(200);
        }
        assertThat(gw.get("/admin/targets").status()).isEqualTo(401);
        TestGateway.Response r = gw.get("/admin/targets", "Authorization", "Bearer gw-key");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().toString()).doesNotContain("sk-secret");
        JsonObject report = r.json();
        assertThat(report.getString("strategy")).isEqualTo("adaptive");
        JsonObject ta = report.getJsonArray("data").getJsonObject(0);
        JsonObject tb = report.getJsonArray("data").getJsonObject(1);
        assertThat(ta.getString("provider")).isEqualTo("a");
        assertThat(ta.getString("key")).startsWith("k");
        assertThat(ta.getString("key_alias")).isEqualTo("main");
        assertThat(ta.getLong("requests_served")).isEqualTo(3);
        assertThat(ta.getDouble("success_rate")).isEqualTo(1.0);
        assertThat(ta.getDouble("ewma_latency_ms")).isPositive();
        assertThat(ta.getDouble("ewma_ttft_ms")).isPositive();
        assertThat(ta.getDouble("score")).isGreaterThan(80);
        assertThat(ta.getDouble("bandit_attempts")).isGreaterThan(0).isLessThanOrEqualTo(3);
        assertThat(ta.getDouble("bandit_success_rate")).isEqualTo(1.0);
        assertThat(tb.getDouble("bandit_success_rate")).isEqualTo(0.0);
        assertThat(ta.getString("circuit")).isEqualTo("closed");
        assertThat(ta.getInteger("consecutive_failures")).isZero();
        assertThat(tb.getString("last_error")).isEqualTo("rate_limit");
        assertThat(tb.getInteger("consecutive_failures")).isEqualTo(1);
        assertThat(tb.getLong("cooling_ms")).isBetween(20_000L, 30_000L);
        assertThat(tb.getLong("cooling_until")).isGreaterThan(System.currentTimeMillis());
        // The 3 attempts count less as they age: under 2 once a half-life (0.5 s) has passed.
        Await.until("the bandit's attempts discounted by age", () -> gw.get("/admin/targets", "Authorization", "Bearer gw-key")
                .json().getJsonArray("data").getJsonObject(0).getDouble("bandit_attempts") < 2);
    }

    @Test
    void should_keep_a_conversation_on_one_target_and_spread_new_ones() {
        gateway("bandit", "{}");
        Set<String> providers = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String first = ask(conversation("conversation " + i)).header("x-gateway-provider");
            for (int turn = 0; turn < 3; turn++) {
                JsonArray grown = conversation("conversation " + i)
                        .add(new JsonObject().put("role", "assistant").put("content", "ok"))
                        .add(new JsonObject().put("role", "user").put("content", "turn " + turn));
                assertThat(ask(grown).header("x-gateway-provider")).as("conversation %d, turn %d", i, turn).isEqualTo(first);
            }
            providers.add(first);
        }
        assertThat(ask(conversation("x"), "x-session-id", "s1").status()).isEqualTo(200);
        assertThat(providers).as("bandit tries both targets").containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void should_save_what_it_learned_when_it_stops() throws Exception {
        gateway("adaptive", "{}");
        ask(conversation("hi"));
        gw.close();
        gw = null;
        String saved = Files.readString(dir.resolve("state.json"));
        assertThat(saved).contains("\"ewma_latency_ms\"").doesNotContain("sk-secret");
    }
}
