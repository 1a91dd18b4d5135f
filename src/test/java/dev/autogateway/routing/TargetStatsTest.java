package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TargetStatsTest {

    @Test
    void reads_a_state_file_from_before_recent_successes_with_the_lifetime_success_rate_in_their_place() {
        TargetStats s = TargetStats.fromJson(new JsonObject().put("attempts", 10).put("successes", 8).put("failures", 2)
                .put("recent_attempts", 5.0).put("reward", 9.5).put("recent_reward", 4.0));
        assertThat(s.recentAttempts()).isEqualTo(5.0);
        assertThat(s.recentSuccesses()).isEqualTo(4.0);
        assertThat(TargetStats.fromJson(new JsonObject()).recentSuccesses()).isZero();
    }
}
