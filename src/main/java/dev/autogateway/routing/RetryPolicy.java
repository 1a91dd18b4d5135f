package dev.autogateway.routing;

import dev.autogateway.provider.UpstreamFailure;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What to do right after a failed attempt: try the same target again, move on, move on to a larger-context model,
 * or answer the client now. Waiting out a rate limit is not decided here: {@link TargetHealth} cools the target
 * down and {@link Dispatch} comes back to it if nothing else serves.
 */
final class RetryPolicy {
    enum Action { RETRY, NEXT, STOP, CONTEXT_FALLBACK }

    record Decision(Action action, long delayMs) {}

    private static final long BACKOFF_BASE_MS = 100;
    private static final Decision NEXT = new Decision(Action.NEXT, 0);

    private final int retries;
    private final Supplier<RandomGenerator> random;

    RetryPolicy(int retries) {
        this(retries, ThreadLocalRandom::current);
    }

    /** With randomness of one's own, for the routing simulator's seeded runs. */
    RetryPolicy(int retries, Supplier<RandomGenerator> random) {
        this.retries = retries;
        this.random = random;
    }

    /** @param triesOnTarget attempts already made on this target, the failed one included */
    Decision decide(UpstreamFailure f, int triesOnTarget) {
        return switch (f.errorClass()) {
            // The same request would overflow the same model again, wherever it is served.
            case CONTEXT_LENGTH -> new Decision(Action.CONTEXT_FALLBACK, 0);
            case CONTENT_POLICY -> new Decision(Action.STOP, 0);
            // The request itself is wrong: another target would refuse it too. Other 4xx (404 model missing on that
            // upstream, 408, 409) say something about the target, so move on.
            case CLIENT_ERROR -> isRequestFault(f.status()) ? new Decision(Action.STOP, 0) : NEXT;
            case OVERLOADED -> f.retryAfterMs() > 0 ? NEXT : transientFailure(triesOnTarget);
            case SERVER_ERROR, NETWORK, STREAM_CUT, MALFORMED -> transientFailure(triesOnTarget);
            // Rate limits rest the target (see TargetHealth); bad keys rest the key; a silent or stalled target stays
            // silent, so it is never retried.
            default -> NEXT;
        };
    }

    private Decision transientFailure(int triesOnTarget) {
        return triesOnTarget <= retries ? new Decision(Action.RETRY, backoff(triesOnTarget)) : NEXT;
    }

    private static boolean isRequestFault(int status) {
        return status == 400 || status == 413 || status == 415 || status == 422;
    }

    /** Exponential with jitter in [base/2, base), so that many clients retrying do not arrive together. */
    private long backoff(int triesOnTarget) {
        long base = BACKOFF_BASE_MS << Math.min(6, triesOnTarget - 1);
        return base / 2 + random.get().nextLong(base / 2);
    }
}
