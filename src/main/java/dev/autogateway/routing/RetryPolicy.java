package dev.autogateway.routing;

import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import java.util.concurrent.ThreadLocalRandom;

/** What to do after a failed attempt: try the same target again, move to the next, or answer the client now. */
final class RetryPolicy {
    enum Action { RETRY, NEXT, STOP }

    record Decision(Action action, long delayMs) {}

    /** A Retry-After longer than this is not worth waiting for while another target may serve. */
    static final long RETRY_AFTER_CAP_MS = 2_000;
    private static final long BACKOFF_BASE_MS = 100;

    private final int retries;

    RetryPolicy(int retries) {
        this.retries = retries;
    }

    /** @param triesOnTarget attempts already made on this target, the failed one included */
    Decision decide(UpstreamFailure f, int triesOnTarget) {
        ErrorClass c = f.errorClass();
        switch (c) {
            case CONTEXT_LENGTH, CONTENT_POLICY:
                return new Decision(Action.STOP, 0);
            case CLIENT_ERROR:
                // The request itself is wrong: another target would refuse it too. Other 4xx (404 model missing
                // on that upstream, 408, 409) say something about the target, so move on.
                return new Decision(isRequestFault(f.status()) ? Action.STOP : Action.NEXT, 0);
            case SERVER_ERROR, OVERLOADED, NETWORK, STREAM_CUT, MALFORMED:
                return triesOnTarget <= retries ? new Decision(Action.RETRY, backoff(triesOnTarget)) : next();
            case RATE_LIMIT:
                if (triesOnTarget > retries || f.retryAfterMs() > RETRY_AFTER_CAP_MS) {
                    return next();
                }
                return new Decision(Action.RETRY, Math.max(f.retryAfterMs(), backoff(triesOnTarget) * 2));
            default:
                // Auth and quota are the key's problem; a silent or stalled target stays silent: never retry it.
                return next();
        }
    }

    private static boolean isRequestFault(int status) {
        return status == 400 || status == 413 || status == 415 || status == 422;
    }

    private static Decision next() {
        return new Decision(Action.NEXT, 0);
    }

    /** Exponential with full jitter in [base/2, base) so that many clients retrying do not arrive together. */
    private static long backoff(int triesOnTarget) {
        long base = BACKOFF_BASE_MS << Math.min(6, triesOnTarget - 1);
        return base / 2 + ThreadLocalRandom.current().nextLong(base / 2);
    }
}
