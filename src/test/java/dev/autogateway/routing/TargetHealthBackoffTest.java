package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TargetHealthBackoffTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private TargetHealth health;
    private List<Target> targets;

    /** One provider "p", one key, models m and n. */
    private void start(String routerJson) {
        GatewayConfig cfg = ConfigLoader.parse("{\"router\":" + routerJson + ",\"providers\":[{\"name\":\"p\",\"type\":\"echo\","
                + "\"api_key\":\"sk-p\",\"models\":[\"m\",\"n\"]}]}", Map.of());
        targets = new Catalog(cfg.providers()).candidates(new RouteRequest(ModelQuery.parse("any"), null, null, true));
        SplittableRandom random = new SplittableRandom(3);
        health = new TargetHealth(cfg.router(), new Cooldowns(now::get), new ClockedCircuits(cfg::router, now::get), () -> random);
    }

    private List<Long> rests(ErrorClass c, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            health.onFailure(targets.get(0), new UpstreamFailure(c, c.wireName()));
            long ms = health.coolingMs(targets.get(0));
            out.add(ms);
            now.addAndGet(ms);
        }
        return out;
    }

    @Test
    void rests_a_rate_limited_target_the_originals_5_10_20_40_60_s_and_keeps_resting_it_after_that() {
        start("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}");
        assertThat(rests(ErrorClass.RATE_LIMIT, 7)).containsExactly(5_000L, 10_000L, 20_000L, 40_000L, 60_000L, 60_000L, 60_000L);
    }

    @Test
    void uses_the_originals_delays_per_class_and_rests_provider_errors_too() {
        start("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}");
        assertThat(rests(ErrorClass.TIMEOUT_FIRST_TOKEN, 3)).containsExactly(5_000L, 7_500L, 11_250L);
        health.onSuccess(targets.get(0));
        assertThat(rests(ErrorClass.NETWORK, 3)).containsExactly(1_000L, 2_000L, 4_000L);
        health.onSuccess(targets.get(0));
        assertThat(rests(ErrorClass.SERVER_ERROR, 2)).containsExactly(1_000L, 2_000L);
        health.onSuccess(targets.get(0));
        assertThat(rests(ErrorClass.CONTEXT_LENGTH, 1)).as("the request's own fault rests nothing").containsExactly(0L);
    }

    @Test
    void starts_over_after_a_success() {
        start("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}");
        rests(ErrorClass.NETWORK, 3);
        health.onSuccess(targets.get(0));
        assertThat(rests(ErrorClass.NETWORK, 1)).containsExactly(1_000L);
    }

    @Test
    void lets_retry_after_win_over_the_backoff() {
        start("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}");
        health.onFailure(targets.get(0), new UpstreamFailure(ErrorClass.RATE_LIMIT, 429, "slow down", 2_000, null));
        assertThat(health.coolingMs(targets.get(0))).isEqualTo(2_000);
    }

    @Test
    void rests_the_whole_key_on_auth_and_quota_failures() {
        start("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}");
        health.onFailure(targets.get(0), new UpstreamFailure(ErrorClass.AUTH, "bad key"));
        assertThat(health.coolingMs(targets.get(1))).as("the key's other model too").isEqualTo(10_000);
        now.addAndGet(10_000);
        health.onFailure(targets.get(1), new UpstreamFailure(ErrorClass.AUTH, "bad key"));
        assertThat(health.coolingMs(targets.get(0))).isEqualTo(15_000);
    }

    @Test
    void honours_configured_backoff_and_explicit_cooldowns() {
        start("{\"strategy\":\"adaptive\",\"persistence_path\":\"\",\"auth_cooldown\":42,"
                + "\"backoff\":{\"network\":{\"initial\":3,\"multiplier\":3,\"max\":20},\"timeout\":{\"initial\":0}}}");
        assertThat(rests(ErrorClass.NETWORK, 4)).containsExactly(3_000L, 9_000L, 20_000L, 20_000L);
        assertThat(rests(ErrorClass.STALL, 1)).containsExactly(0L);
        health.onFailure(targets.get(0), new UpstreamFailure(ErrorClass.AUTH, "bad key"));
        assertThat(health.coolingMs(targets.get(0))).isEqualTo(42_000);
    }

    @Test
    void keeps_sequentials_failover_rests_by_default() {
        start("{}");
        List<Long> rateLimits = rests(ErrorClass.RATE_LIMIT, 3);
        assertThat(rateLimits.get(0)).isBetween(500L, 1_000L);
        assertThat(rateLimits.get(1)).isBetween(1_000L, 2_000L);
        assertThat(rateLimits.get(2)).isBetween(2_000L, 4_000L);
        assertThat(rests(ErrorClass.SERVER_ERROR, 1)).as("a dead target is the circuit's job").containsExactly(0L);
        health.onFailure(targets.get(0), new UpstreamFailure(ErrorClass.QUOTA, "out of credit"));
        assertThat(health.coolingMs(targets.get(1))).isEqualTo(600_000);
    }
}
