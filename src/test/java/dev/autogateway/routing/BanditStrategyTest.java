package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.autogateway.provider.ErrorClass;
import org.junit.jupiter.api.Test;

class BanditStrategyTest {
    private final RoutingFixture f = new RoutingFixture("{\"strategy\":\"bandit\",\"persistence_path\":\"\"}", "a", "b", "c");
    private final BanditStrategy s = f.bandit();

    private static TargetStats outcomes(int successes, long latencyMs, int failures, long now, long halfLifeMs) {
        TargetStats st = TargetStats.NEW;
        for (int i = 0; i < successes; i++) {
            st = st.with(AttemptOutcome.success(latencyMs, latencyMs), now, halfLifeMs);
        }
        for (int i = 0; i < failures; i++) {
            st = st.with(AttemptOutcome.failure(ErrorClass.SERVER_ERROR, 100), now, halfLifeMs);
        }
        return st;
    }

    @Test
    void expects_plus_one_per_success_with_a_bonus_against_the_fastest_and_minus_two_per_failure() {
        long now = f.now.get();
        TargetStats reliable = outcomes(4, 500, 0, now, 60_000);
        assertThat(BanditStrategy.meanReward(reliable, 500, 60_000)).as("the fastest: bonus +1").isCloseTo(2.0, offset(1e-9));
        assertThat(BanditStrategy.meanReward(reliable, 250, 60_000)).as("twice as slow: bonus 0").isCloseTo(1.0, offset(1e-9));
        assertThat(BanditStrategy.meanReward(outcomes(3, 500, 1, now, 60_000), 500, 60_000))
                .as("one failure in four: 3/4 * 2 - 1/4 * 2").isCloseTo(1.0, offset(1e-9));
        assertThat(BanditStrategy.meanReward(outcomes(0, 0, 2, now, 60_000), 500, 60_000)).isCloseTo(-2.0, offset(1e-9));
    }

    @Test
    void tells_slow_targets_apart_where_the_originals_bonus_gave_every_answer_over_2_s_the_same() {
        f.succeed(s, "a", 20_000);
        f.succeed(s, "b", 10_000);
        f.succeed(s, "c", 40_000);
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("b", "a", "c");
    }

    @Test
    void scores_mean_reward_plus_c_sqrt_ln_n_over_n_over_lifetime_counts_with_no_half_life() {
        TargetStats st = outcomes(4, 500, 0, f.now.get(), 0);
        assertThat(BanditStrategy.ucb(st, 10, 500, 1.5, f.now.get(), 0))
                .isCloseTo(2.0 + 1.5 * Math.sqrt(Math.log(10) / 4), offset(1e-12));
    }

    @Test
    void discounts_outcomes_by_age_so_an_idle_target_is_explored_again() {
        long t0 = f.now.get();
        TargetStats st = outcomes(3, 500, 1, t0, 60_000);
        assertThat(BanditStrategy.pulls(st, t0, 60_000)).isCloseTo(4, offset(1e-9));
        assertThat(BanditStrategy.pulls(st, t0 + 60_000, 60_000)).isCloseTo(2, offset(1e-9));
        assertThat(BanditStrategy.successRate(st, 60_000)).isCloseTo(0.75, offset(1e-9));
        assertThat(BanditStrategy.ucb(st, 100, 500, 0.2, t0 + 120_000, 60_000))
                .isGreaterThan(BanditStrategy.ucb(st, 100, 500, 0.2, t0, 60_000));
    }

    @Test
    void sends_an_untried_target_one_request_until_it_answers_then_exploits_the_fastest() {
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("a", "b", "c");
        assertThat(f.order(s, RoutingFixture.request())).as("a's first answer is pending").startsWith("b");
        f.succeed(s, "a", 900);
        assertThat(f.order(s, RoutingFixture.request())).as("b's too").startsWith("c");
        f.succeed(s, "b", 100);
        f.succeed(s, "c", 500);
        for (int i = 0; i < 30; i++) {
            String first = f.order(s, RoutingFixture.request()).get(0);
            f.succeed(s, first, first.equals("a") ? 900 : first.equals("b") ? 100 : 500);
        }
        assertThat(f.store.get(f.t("b").id()).attempts()).as("the fastest takes all 30").isEqualTo(31);
    }

    @Test
    void probes_a_target_not_tried_for_the_probe_interval_and_takes_it_back_at_its_first_fast_answer() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"bandit\",\"probe_interval\":20,\"persistence_path\":\"\"}",
                "a", "b");
        BanditStrategy s = f.bandit();
        for (int i = 0; i < 20; i++) {
            f.succeed(s, "a", 2_500);
            f.succeed(s, "b", 500);
        }
        for (int i = 0; i < 19; i++) {
            assertThat(f.order(s, RoutingFixture.request())).as("a is slow").containsExactly("b", "a");
            f.advance(1_000);
            f.succeed(s, "b", 500);
        }
        f.advance(1_000);
        assertThat(f.order(s, RoutingFixture.request())).as("a's news is 20 s old").containsExactly("a", "b");
        f.succeed(s, "a", 250);
        assertThat(f.order(s, RoutingFixture.request())).as("fast again: back at once").containsExactly("a", "b");
    }

    @Test
    void rests_a_dead_target_and_probes_it_once_its_backoff_runs_out() {
        f.succeed(s, "b", 300);
        f.succeed(s, "c", 300);
        f.fail(s, "a", ErrorClass.NETWORK);
        assertThat(f.order(s, RoutingFixture.request())).endsWith("a");
        f.advance(1_000);
        f.fail(s, "a", ErrorClass.NETWORK);
        f.advance(1_000);
        assertThat(f.order(s, RoutingFixture.request())).as("still resting: the backoff doubled").endsWith("a");
        f.advance(1_000);
        assertThat(f.order(s, RoutingFixture.request())).as("rested: one probe").startsWith("a");
        assertThat(f.order(s, RoutingFixture.request())).as("one at a time, the others elsewhere").endsWith("a");
        f.fail(s, "a", ErrorClass.NETWORK);
        f.advance(4_000);
        f.succeed(s, "b", 300);
        f.fail(s, "b", ErrorClass.NETWORK);
        f.fail(s, "c", ErrorClass.NETWORK);
        assertThat(f.order(s, RoutingFixture.request())).as("the original's -999 would have kept it last forever")
                .startsWith("a");
    }
}
