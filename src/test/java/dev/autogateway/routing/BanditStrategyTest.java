package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.autogateway.provider.ErrorClass;
import org.junit.jupiter.api.Test;

class BanditStrategyTest {
    private final RoutingFixture f = new RoutingFixture("{\"strategy\":\"bandit\",\"persistence_path\":\"\"}", "a", "b", "c");
    private final BanditStrategy s = f.bandit();

    @Test
    void rewards_a_success_with_one_plus_a_latency_bonus_and_a_failure_with_minus_two() {
        f.succeed(s, "a", 200);
        assertThat(f.store.get(f.t("a").id()).reward()).isCloseTo(1.8, offset(1e-9));
        f.succeed(s, "a", 3000);
        assertThat(f.store.get(f.t("a").id()).reward()).as("the bonus bottoms out at -1").isCloseTo(1.8 + 0.0, offset(1e-9));
        f.fail(s, "a", ErrorClass.SERVER_ERROR);
        assertThat(f.store.get(f.t("a").id()).reward()).isCloseTo(-0.2, offset(1e-9));
    }

    @Test
    void scores_mean_reward_plus_c_sqrt_ln_n_over_n_over_lifetime_counts_with_no_half_life() {
        TargetStats s = new TargetStats(4, 4, 0, 4, 0, 500, 500, 6.0, 0, 0, 0, 1, 0, 1, null, 0);
        assertThat(BanditStrategy.ucb(s, 10, 1.5, 0, 0)).isCloseTo(1.5 + 1.5 * Math.sqrt(Math.log(10) / 4), offset(1e-12));
        assertThat(BanditStrategy.ucb(TargetStats.NEW, 10, 1.5, 0, 0)).isInfinite();
    }

    @Test
    void discounts_outcomes_by_age_so_an_idle_target_is_explored_again() {
        long t0 = f.now.get();
        TargetStats s = TargetStats.NEW;
        for (int i = 0; i < 4; i++) {
            s = s.with(AttemptOutcome.success(500, 500), t0, 60_000);
        }
        assertThat(BanditStrategy.pulls(s, t0, 60_000)).isCloseTo(4, offset(1e-9));
        assertThat(BanditStrategy.pulls(s, t0 + 60_000, 60_000)).isCloseTo(2, offset(1e-9));
        assertThat(BanditStrategy.meanReward(s, 60_000)).isCloseTo(1.5, offset(1e-9));
        assertThat(BanditStrategy.ucb(s, 100, 1.5, t0 + 120_000, 60_000))
                .isGreaterThan(BanditStrategy.ucb(s, 100, 1.5, t0, 60_000));
    }

    @Test
    void tries_every_untried_target_first_then_exploits_the_best() {
        assertThat(f.order(s, RoutingFixture.request())).containsExactly("a", "b", "c");
        f.succeed(s, "a", 900);
        assertThat(f.order(s, RoutingFixture.request())).startsWith("b");
        f.succeed(s, "b", 100);
        f.succeed(s, "c", 500);
        for (int i = 0; i < 30; i++) {
            String first = f.order(s, RoutingFixture.request()).get(0);
            f.succeed(s, first, first.equals("a") ? 900 : first.equals("b") ? 100 : 500);
        }
        long b = f.store.get(f.t("b").id()).attempts();
        assertThat(b).as("the fastest arm gets most pulls").isGreaterThan(f.store.get(f.t("a").id()).attempts());
    }

    @Test
    void does_not_explore_a_dead_target_while_it_backs_off() {
        f.succeed(s, "b", 300);
        f.succeed(s, "c", 300);
        f.fail(s, "a", ErrorClass.NETWORK);
        assertThat(f.order(s, RoutingFixture.request())).endsWith("a");
        f.advance(1_000);
        f.fail(s, "a", ErrorClass.NETWORK);
        f.advance(1_000);
        assertThat(f.order(s, RoutingFixture.request())).as("still resting: the backoff doubled").endsWith("a");
        f.advance(1_000);
        f.fail(s, "a", ErrorClass.NETWORK);
        assertThat(f.order(s, RoutingFixture.request())).endsWith("a");
        f.advance(4_000);
        assertThat(f.order(s, RoutingFixture.request())).as("rested: its low reward ranks it last, but it can be chosen")
                .endsWith("a");
        f.succeed(s, "b", 300);
        f.fail(s, "b", ErrorClass.NETWORK);
        f.fail(s, "c", ErrorClass.NETWORK);
        assertThat(f.order(s, RoutingFixture.request())).as("the original's -999 would have kept it last forever")
                .startsWith("a");
    }
}
