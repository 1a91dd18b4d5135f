package dev.autogateway.routing;

import dev.autogateway.openai.ApiError;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.Limits;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One request's walk down its targets: skips targets that are cooling down or whose circuit is open, retries and
 * fails over as {@link RetryPolicy} says, swaps in larger-context models on a context-length error, and, when the
 * list is exhausted, waits out the shortest rate-limit cool-down if it fits the request's budget. Every failure it
 * returns is an {@link ApiError} ready for the client.
 */
final class Dispatch<T> {
    private final FailoverRouter router;
    private final RouteRequest route;
    private final List<Target> plan;
    private final Limits limits;
    private final Attempts attempts;
    private final Function<Target, Future<T>> call;
    /** While recovering a stream, a target that refuses the request (a rejected prefill) is just skipped. */
    private final boolean recovering;
    // Empty until needed: most requests never exclude a model or wait for a cool-down.
    private Set<String> excludedModels = Set.of();
    private Set<String> waitedFor = Set.of();
    private int next;
    private UpstreamFailure last;
    private Target lastTarget;

    Dispatch(FailoverRouter router, RouteRequest route, List<Target> plan, Limits limits, Attempts attempts,
            Function<Target, Future<T>> call, boolean recovering) {
        this.router = router;
        this.route = route;
        this.plan = new ArrayList<>(plan);
        this.limits = limits;
        this.attempts = attempts;
        this.call = call;
        this.recovering = recovering;
    }

    /** The targets not tried yet, for a later recovery of the stream this dispatch opened. */
    List<Target> remaining() {
        return plan.subList(next, plan.size()).stream().filter(t -> !excludedModels.contains(t.model())).toList();
    }

    Future<Routed<T>> run() {
        if (attempts.cancelled()) {
            return Future.failedFuture(FailoverRouter.CLIENT_CLOSED);
        }
        while (next < plan.size()) {
            Target t = plan.get(next++);
            if (!excludedModels.contains(t.model()) && !router.health().gated(t)) {
                return attempt(t, 1);
            }
        }
        return waitForCoolingTarget();
    }

    /**
     * Honours Retry-After: rather than fail, wait for the target that frees up first, once per target, when the wait
     * is within {@code router.retry_after_cap} and the request's budget.
     */
    private Future<Routed<T>> waitForCoolingTarget() {
        Target best = null;
        long bestWait = Long.MAX_VALUE;
        for (Target t : plan) {
            long wait = router.health().coolingMs(t);
            if (wait > 0 && wait < bestWait && !waitedFor.contains(t.id()) && !excludedModels.contains(t.model())) {
                best = t;
                bestWait = wait;
            }
        }
        if (best == null || router.config().retries() == 0 || bestWait > router.config().retryAfterCapMs()
                || bestWait >= limits.remainingMs()) {
            return Future.failedFuture(router.exhausted(plan, attempts, last, lastTarget));
        }
        Target target = best;
        waitedFor = with(waitedFor, target.id());
        return router.vertx().timer(bestWait).compose(v -> attempts.cancelled()
                ? Future.failedFuture(FailoverRouter.CLIENT_CLOSED) : attempt(target, 2));
    }

    private Future<Routed<T>> attempt(Target t, int tries) {
        if (limits.remainingMs() <= 0) {
            return Future.failedFuture(router.exhausted(plan, attempts,
                    last == null ? new UpstreamFailure(ErrorClass.TIMEOUT, "the request's budget ran out") : last, lastTarget));
        }
        long start = System.nanoTime();
        return router.health().guard(t, () -> {
            attempts.started(t);
            return call.apply(t);
        }).transform(ar -> {
            long latencyMs = (System.nanoTime() - start) / 1_000_000;
            if (ar.succeeded()) {
                return Future.succeededFuture(new Routed<>(t, ar.result(), latencyMs));
            }
            if (ar.cause() instanceof OpenCircuitException) {
                // Another request holds the half-open probe: this is no attempt, just a target to pass over.
                return run();
            }
            if (attempts.cancelled()) {
                return Future.failedFuture(FailoverRouter.CLIENT_CLOSED);
            }
            UpstreamFailure f = ar.cause() instanceof UpstreamFailure uf ? uf
                    : new UpstreamFailure(ErrorClass.NETWORK, "the provider failed: " + ar.cause().getMessage());
            return failed(t, tries, f, latencyMs);
        });
    }

    private Future<Routed<T>> failed(Target t, int tries, UpstreamFailure f, long latencyMs) {
        last = f;
        lastTarget = t;
        router.recordFailure(t, f, latencyMs);
        RetryPolicy.Decision d = router.policy().decide(f, tries);
        switch (d.action()) {
            case STOP:
                return recovering ? run() : Future.failedFuture(FailoverRouter.clientError(f));
            case CONTEXT_FALLBACK:
                excludedModels = with(excludedModels, t.model());
                List<Target> larger = router.contextFallbacks(t.model(), route).stream()
                        .filter(c -> !excludedModels.contains(c.model())).toList();
                if (larger.isEmpty()) {
                    return recovering ? run() : Future.failedFuture(FailoverRouter.clientError(f));
                }
                plan.subList(next, plan.size()).clear();
                plan.addAll(larger);
                return run();
            case RETRY:
                if (d.delayMs() < limits.remainingMs()) {
                    return router.vertx().timer(d.delayMs()).compose(v -> attempts.cancelled()
                            ? Future.failedFuture(FailoverRouter.CLIENT_CLOSED) : attempt(t, tries + 1));
                }
                return run();
            default:
                return run();
        }
    }

    private static Set<String> with(Set<String> set, String value) {
        Set<String> out = set.isEmpty() ? new HashSet<>() : set;
        out.add(value);
        return out;
    }
}
