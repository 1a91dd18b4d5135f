package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import dev.autogateway.routing.RetryPolicy.Action;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(1);

    private static UpstreamFailure failure(ErrorClass c, int status, long retryAfterMs) {
        return new UpstreamFailure(c, status, "x", retryAfterMs, null);
    }

    @Test
    void retries_transient_failures_once_on_the_same_target_then_moves_on() {
        for (ErrorClass c : new ErrorClass[] {ErrorClass.SERVER_ERROR, ErrorClass.OVERLOADED, ErrorClass.NETWORK, ErrorClass.STREAM_CUT}) {
            RetryPolicy.Decision first = policy.decide(failure(c, 500, -1), 1);
            assertThat(first.action()).as(c.name()).isEqualTo(Action.RETRY);
            assertThat(first.delayMs()).isBetween(50L, 100L);
            assertThat(policy.decide(failure(c, 500, -1), 2).action()).isEqualTo(Action.NEXT);
        }
        assertThat(new RetryPolicy(0).decide(failure(ErrorClass.SERVER_ERROR, 500, -1), 1).action()).isEqualTo(Action.NEXT);
    }

    @Test
    void never_retries_a_silent_target_or_a_bad_key() {
        for (ErrorClass c : new ErrorClass[] {ErrorClass.TIMEOUT_CONNECT, ErrorClass.TIMEOUT_FIRST_TOKEN, ErrorClass.STALL,
                ErrorClass.AUTH, ErrorClass.QUOTA}) {
            assertThat(policy.decide(failure(c, 0, -1), 1).action()).as(c.name()).isEqualTo(Action.NEXT);
        }
    }

    @Test
    void moves_on_from_a_rate_limited_or_overloaded_target_at_once() {
        assertThat(policy.decide(failure(ErrorClass.RATE_LIMIT, 429, 1_500), 1).action()).isEqualTo(Action.NEXT);
        assertThat(policy.decide(failure(ErrorClass.RATE_LIMIT, 429, -1), 1).action()).isEqualTo(Action.NEXT);
        assertThat(policy.decide(failure(ErrorClass.OVERLOADED, 503, 2_000), 1).action()).isEqualTo(Action.NEXT);
        assertThat(policy.decide(failure(ErrorClass.OVERLOADED, 503, -1), 1).action()).isEqualTo(Action.RETRY);
    }

    @Test
    void returns_the_requests_own_faults_to_the_client() {
        assertThat(policy.decide(failure(ErrorClass.CLIENT_ERROR, 400, -1), 1).action()).isEqualTo(Action.STOP);
        assertThat(policy.decide(failure(ErrorClass.CONTEXT_LENGTH, 400, -1), 1).action()).isEqualTo(Action.CONTEXT_FALLBACK);
        assertThat(policy.decide(failure(ErrorClass.CONTENT_POLICY, 400, -1), 1).action()).isEqualTo(Action.STOP);
        assertThat(policy.decide(failure(ErrorClass.CLIENT_ERROR, 404, -1), 1).action()).isEqualTo(Action.NEXT);
    }

    @Test
    void cooldowns_expire_on_the_clock() {
        long[] now = {1_000};
        Cooldowns c = new Cooldowns(() -> now[0]);
        Target t = new CatalogTestSupport().target();
        c.coolKey(t, 500);
        assertThat(c.remainingMs(t)).isEqualTo(500);
        now[0] += 499;
        assertThat(c.remainingMs(t)).isEqualTo(1);
        now[0] += 1;
        assertThat(c.remainingMs(t)).isZero();
    }
}
