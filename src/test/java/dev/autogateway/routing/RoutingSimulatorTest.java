package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator on its half-length scenarios (seed 42): the targets for {@code adaptive} and {@code bandit};
 * see docs/routing.md for the full table.
 */
class RoutingSimulatorTest {
    private static final List<RoutingSimulator.Scenario> SCENARIOS = RoutingSimulator.scenarios(true);

    private static Map<String, RoutingSimulator.Result> run(String strategy) {
        return SCENARIOS.stream().map(s -> new RoutingSimulator(s, strategy, 42).run())
                .collect(Collectors.toMap(RoutingSimulator.Result::scenario, Function.identity()));
    }

    private static void meetsEveryTargetInEveryScenario(String strategy) {
        Map<String, RoutingSimulator.Result> oracle = run("oracle");
        run(strategy).forEach((scenario, r) -> {
            assertThat(RoutingSimulator.misses(r, oracle.get(scenario).p95Ms())).as(scenario).isEmpty();
            assertThat(r.successRate()).as(scenario).isGreaterThanOrEqualTo(0.999);
        });
    }

    @Test
    void adaptive_meets_every_target_in_every_scenario() {
        meetsEveryTargetInEveryScenario("adaptive");
    }

    @Test
    void bandit_meets_every_target_in_every_scenario() {
        meetsEveryTargetInEveryScenario("bandit");
    }

    @Test
    void adaptive_detects_an_outage_within_3_requests_and_uses_the_recovered_target_within_30_s() {
        RoutingSimulator.Result r = run("adaptive").get("outage");
        assertThat(r.detectRequests()).isLessThanOrEqualTo(3);
        assertThat(r.returnCensored()).isFalse();
        assertThat(r.returnS()).isLessThanOrEqualTo(30);
        assertThat(r.wastedPerRequest()).isLessThan(0.2);
    }

    @Test
    void is_deterministic_for_a_seed() {
        RoutingSimulator.Scenario s = SCENARIOS.get(3);
        assertThat(new RoutingSimulator(s, "adaptive", 7).run().outcomes())
                .isEqualTo(new RoutingSimulator(s, "adaptive", 7).run().outcomes());
    }
}
