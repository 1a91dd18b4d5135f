package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.provider.ErrorClass;
import org.junit.jupiter.api.Test;

class AdaptiveStrategyTest {
    private static final long NOW = 1_700_000_000_000L;

    private static TargetStats stats(long attempts, long successes, int consecutiveSuccesses, int consecutiveFailures,
            double ewma, long lastSuccess, long lastFailure) {
        return new TargetStats(attempts, successes, attempts - successes, consecutiveSuccesses, consecutiveFailures, ewma,
                ewma, 0, 0, 0, lastSuccess, lastFailure, Math.max(lastSuccess, lastFailure), null, 0);
    }

    @Test
    void scores_a_target_never_tried_77_and_weighs_it_1_5_as_the_original_did() {
        assertThat(AdaptiveStrategy.healthScore(TargetStats.NEW, NOW)).isEqualTo(77.0);
        assertThat(AdaptiveStrategy.weight(TargetStats.NEW, NOW, 1.0)).isEqualTo(1.5);
    }

    @Test
    void scores_success_rate_latency_stability_and_recency_40_30_20_10() {
        // 9 of 10, EWMA 2 s, one failure in a row 30 s ago: 36 + 24 + 15 + 5
        TargetStats s = stats(10, 9, 0, 1, 2000, NOW - 60_000, NOW - 30_000);
        assertThat(AdaptiveStrategy.healthScore(s, NOW)).isCloseTo(80.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(AdaptiveStrategy.healthScore(s, NOW + 90_000)).as("failure 2 min ago: recency 7").isCloseTo(82.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(AdaptiveStrategy.healthScore(s, NOW + 300_000)).as("failure over 5 min ago: recency 10").isCloseTo(85.0,
                org.assertj.core.data.Offset.offset(1e-9));
        TargetStats steady = stats(10, 10, 3, 0, 0, NOW, 0);
        assertThat(AdaptiveStrategy.healthScore(steady, NOW)).as("no EWMA yet counts as 1 s").isEqualTo(40 + 27 + 20 + 10);
    }

    @Test
    void weighs_by_band_then_latency_factor_and_streaks() {
        TargetStats fastSteady = stats(10, 10, 2, 0, 300, NOW, 0);
        assertThat(AdaptiveStrategy.weight(fastSteady, NOW, 1.0)).isCloseTo(2.0 * 1.2 * 1.2, org.assertj.core.data.Offset.offset(1e-9));
        TargetStats slowFailing = stats(10, 5, 0, 1, 6000, NOW - 10_000, NOW - 1_000);
        // 20 + 12 + 15 + 5 = 52: FAIR 1.0, x0.6 for >= 5 s, x0.8 after a failure
        assertThat(AdaptiveStrategy.weight(slowFailing, NOW, 1.0)).isCloseTo(1.0 * 0.6 * 0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(AdaptiveStrategy.weight(fastSteady, NOW, AdaptiveStrategy.AVOIDED)).isCloseTo(2.0 * 1.2 * 1.2 * 0.3,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void keeps_latency_as_an_ewma_with_alpha_0_3_and_learns_nothing_about_latency_from_failures() {
        TargetStats s = TargetStats.NEW.with(AttemptOutcome.success(1000, 100), NOW);
        assertThat(s.ewmaLatencyMs()).isEqualTo(1000);
        s = s.with(AttemptOutcome.success(2000, 200), NOW + 1_000);
        assertThat(s.ewmaLatencyMs()).isCloseTo(1300, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.ewmaTtftMs()).isCloseTo(130, org.assertj.core.data.Offset.offset(1e-9));
        s = s.with(AttemptOutcome.failure(ErrorClass.SERVER_ERROR, 5), NOW + 2_000);
        assertThat(s.ewmaLatencyMs()).isCloseTo(1300, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.consecutiveFailures()).isEqualTo(1);
        assertThat(s.lastError()).isEqualTo("server_error");
        s = s.with(AttemptOutcome.success(100, 100), NOW + 1_000 + TargetStats.STALE_AFTER_MS);
        assertThat(s.ewmaLatencyMs()).as("a latency 15 s old is replaced, not averaged").isEqualTo(100);
    }

    @Test
    void counts_provider_and_unknown_errors_but_not_the_requests_own_faults() {
        TargetStats s = TargetStats.NEW.with(AttemptOutcome.failure(ErrorClass.CLIENT_ERROR, 5), NOW)
                .with(AttemptOutcome.failure(ErrorClass.MALFORMED, 5), NOW)
                .with(AttemptOutcome.failure(ErrorClass.CONTEXT_LENGTH, 5), NOW)
                .with(AttemptOutcome.failure(ErrorClass.CONTENT_POLICY, 5), NOW);
        assertThat(s.failures()).isEqualTo(2);
    }

    @Test
    void orders_the_healthiest_fastest_target_first_and_a_failing_one_last() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}", "a", "b", "c");
        AdaptiveStrategy s = f.adaptive();
        for (int i = 0; i < 3; i++) {
            f.succeed(s, "a", 1500);
            f.succeed(s, "b", 300);
            f.succeed(s, "c", 400);
        }
        assertThat(f.order(s, RoutingFixture.request())).as("300 and 400 ms weigh the same: the faster EWMA first")
                .containsExactly("b", "c", "a");
        f.fail(s, "b", ErrorClass.CLIENT_ERROR);
        assertThat(f.order(s, RoutingFixture.request()).get(0)).isNotEqualTo("b");
    }

    @Test
    void favours_preferred_models_and_shuns_avoided_ones() {
        RoutingFixture prefer = new RoutingFixture("{\"strategy\":\"adaptive\",\"prefer_models\":[\"m\"],\"persistence_path\":\"\"}", "a");
        assertThat(prefer.adaptive().preference(prefer.t("a"))).isEqualTo(AdaptiveStrategy.PREFERRED);
        RoutingFixture avoid = new RoutingFixture("{\"strategy\":\"adaptive\",\"avoid_models\":[\"other/M\"],\"prefer_models\":[\"m\"],"
                + "\"persistence_path\":\"\"}", "a");
        assertThat(avoid.adaptive().preference(avoid.t("a"))).as("avoid wins; names match as model strings do").isEqualTo(0.3);
    }

    @Test
    void passes_over_a_failed_target_while_it_backs_off_then_probes_it_once() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}", "a", "b");
        AdaptiveStrategy s = f.adaptive();
        for (int i = 0; i < 3; i++) {
            f.succeed(s, "a", 200);
            f.succeed(s, "b", 800);
        }
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("a", "b");
        f.fail(s, "a", ErrorClass.NETWORK);
        assertThat(f.health.coolingMs(f.t("a"))).as("network: the original's 1 s").isEqualTo(1_000);
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("b", "a");
        f.advance(1_000);
        assertThat(f.order(s, RoutingFixture.request())).as("backoff over: one probe").containsExactly("a", "b");
        assertThat(f.order(s, RoutingFixture.request())).as("one probe at a time").containsExactly("b", "a");
        f.succeed(s, "a", 200);
        assertThat(f.order(s, RoutingFixture.request())).as("back in use").containsExactly("a", "b");
    }

    @Test
    void leaves_probes_to_the_main_plan_not_to_a_fallback_models_ordering() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"probe_interval\":10,\"persistence_path\":\"\"}", "a", "b");
        AdaptiveStrategy s = f.adaptive();
        f.succeed(s, "a", 200);
        f.succeed(s, "b", 3000);
        f.advance(10_000);
        f.succeed(s, "a", 200);
        RouteRequest asFallback = RoutingFixture.request().forFallback("m");
        assertThat(f.order(s, asFallback)).as("as a fallback model: ranked, no probe claimed").containsExactly("a", "b");
        assertThat(f.store.get(f.t("b").id()).probeUntilMs()).isZero();
        assertThat(f.order(s, RoutingFixture.request())).as("the main plan still gets its probe").containsExactly("b", "a");
    }

    @Test
    void probes_a_target_not_tried_for_the_probe_interval() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"probe_interval\":10,\"persistence_path\":\"\"}", "a", "b");
        AdaptiveStrategy s = f.adaptive();
        f.succeed(s, "a", 200);
        f.succeed(s, "a", 200);
        f.succeed(s, "b", 3000);
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("a", "b");
        f.advance(5_000);
        f.succeed(s, "a", 200);
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("a", "b");
        f.advance(5_000);
        f.succeed(s, "a", 200);
        assertThat(f.order(s, RoutingFixture.request())).as("b's news is 10 s old").containsExactly("b", "a");
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("a", "b");
    }

    @Test
    void puts_targets_that_cool_down_or_whose_circuit_is_open_last() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"circuit_failures\":2,\"persistence_path\":\"\","
                + "\"backoff\":{\"server_error\":{\"initial\":0}}}", "a", "b");
        AdaptiveStrategy s = f.adaptive();
        f.succeed(s, "a", 100);
        f.succeed(s, "b", 900);
        for (int i = 0; i < 2; i++) {
            f.health.guard(f.t("a"), () -> io.vertx.core.Future.failedFuture(
                    new dev.autogateway.provider.UpstreamFailure(ErrorClass.SERVER_ERROR, "down")));
        }
        assertThat(f.health.circuit(f.t("a"))).isEqualTo(io.vertx.circuitbreaker.CircuitBreakerState.OPEN);
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("b", "a");
    }
}
