package dev.autogateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router keys of issue 5: strategies, stickiness, preferences, persistence and the per-class backoff. */
class RoutingConfigTest {
    private static final String PROVIDERS = ",\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}";

    private static RouterConfig router(String json) {
        return ConfigLoader.parse("{\"router\":" + json + PROVIDERS, Map.of()).router();
    }

    private static String problem(String json) {
        try {
            router(json);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void learns_adaptively_with_the_originals_backoff_and_saves_under_home_by_default() {
        RouterConfig r = router("{\"strategy\":\"adaptive\"}");
        assertThat(r.sticky()).isTrue();
        assertThat(r.persistencePath()).isEqualTo(System.getProperty("user.home") + "/.auto-gateway/adaptive-state.json");
        assertThat(r.backoff().get("rate_limit")).isEqualTo(new Backoff(5_000, 60_000, 2.0, false));
        assertThat(r.backoff().get("quota")).isEqualTo(new Backoff(60_000, 3_600_000, 2.0, false));
        assertThat(r.banditExploration()).isEqualTo(0.2);
        assertThat(r.banditHalfLifeMs()).isEqualTo(60_000);
        assertThat(r.probeIntervalMs()).isEqualTo(30_000);
        assertThat(r.preferModels()).isEmpty();
    }

    @Test
    void keeps_sequential_as_it_was_and_in_memory() {
        RouterConfig r = router("{}");
        assertThat(r.strategy()).isEqualTo("sequential");
        assertThat(r.persistencePath()).isNull();
        assertThat(r.backoff().get("auth")).isEqualTo(new Backoff(60_000, 60_000, 1.0, false));
        assertThat(r.backoff().get("network").enabled()).isFalse();
        assertThat(router("{\"persistence_path\":\"/tmp/x.json\"}").persistencePath()).isEqualTo("/tmp/x.json");
        assertThat(router("{\"strategy\":\"bandit\",\"persistence_path\":\"\"}").persistencePath()).isNull();
    }

    @Test
    void reads_preferences_stickiness_and_backoff_overrides() {
        RouterConfig r = router("{\"strategy\":\"bandit\",\"sticky\":false,\"prefer_models\":[\"gpt-4o\"],\"avoid_models\":[\"tiny\"],"
                + "\"bandit_exploration\":1.5,\"bandit_half_life\":0,\"quota_cooldown\":900,"
                + "\"backoff\":{\"network\":{\"max\":10},\"rate_limit\":{\"initial\":0}}}");
        assertThat(r.sticky()).isFalse();
        assertThat(r.preferModels()).containsExactly("gpt-4o");
        assertThat(r.avoidModels()).containsExactly("tiny");
        assertThat(r.banditExploration()).isEqualTo(1.5);
        assertThat(r.banditHalfLifeMs()).isZero();
        assertThat(r.backoff().get("network")).isEqualTo(new Backoff(1_000, 10_000, 2.0, false));
        assertThat(r.backoff().get("rate_limit").enabled()).isFalse();
        assertThat(r.backoff().get("quota")).as("an explicit cool-down fixes the rest").isEqualTo(Backoff.fixed(900_000));
    }

    @Test
    void names_every_mistake_with_its_path() {
        assertThat(problem("{\"strategy\":\"fastest\"}")).isEqualTo(
                "router.strategy: 'fastest' is not available in this build (available: sequential, adaptive, bandit)");
        assertThat(problem("{\"backoff\":{\"dns\":{}}}")).startsWith("router.backoff.dns: unknown failure class");
        assertThat(problem("{\"backoff\":{\"network\":{\"initial\":5,\"max\":1}}}")).isEqualTo(
                "router.backoff.network.max: must not be less than initial");
        assertThat(problem("{\"backoff\":{\"network\":{\"multiplier\":0.5}}}")).isEqualTo(
                "router.backoff.network.multiplier: must be between 1 and 10");
        assertThat(problem("{\"backoff\":{\"network\":{\"start\":1}}}")).startsWith("router.backoff.network.start: unknown key");
        assertThat(problem("{\"bandit_exploration\":-1}")).startsWith("router.bandit_exploration: must be between 0 and 100");
        assertThat(problem("{\"prefer_models\":[\"\"]}")).isEqualTo("router.prefer_models[0]: must be a model name");
        assertThatThrownBy(() -> router("{\"stickyness\":true}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("router.stickyness: unknown key");
    }
}
