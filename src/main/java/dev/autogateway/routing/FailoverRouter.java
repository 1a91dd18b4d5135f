package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.Limits;
import dev.autogateway.provider.ProviderClient;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.UpstreamFailure;
import dev.autogateway.provider.UpstreamStream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Walks a request's targets in the strategy's order, retrying and failing over, and reports every attempt to the
 * strategy. Every failure it returns is an {@link ApiError} ready for the client.
 */
public final class FailoverRouter {
    private static final long QUOTA_COOLDOWN_MS = 10 * 60_000;

    private final Vertx vertx;
    private final RouterConfig config;
    private final Catalog catalog;
    private final Strategy strategy;
    private final Cooldowns cooldowns;
    private final ProviderClient client;
    private final RetryPolicy policy;

    public FailoverRouter(Vertx vertx, RouterConfig config, Catalog catalog, Strategy strategy, Cooldowns cooldowns) {
        this.vertx = vertx;
        this.config = config;
        this.catalog = catalog;
        this.strategy = strategy;
        this.cooldowns = cooldowns;
        this.client = new ProviderClient(vertx);
        this.policy = new RetryPolicy(config.retries());
    }

    public RouterConfig config() {
        return config;
    }

    /** The targets to try, in order. @throws ApiError when no configured target can serve the request */
    public List<Target> plan(RouteRequest r) {
        if (r.provider() != null && catalog.provider(r.provider()) == null) {
            throw ApiError.invalidRequest("Unknown provider '" + r.provider() + "'. Configured providers: "
                    + catalog.providers().stream().map(p -> p.name()).collect(Collectors.joining(", ")) + ".", "provider");
        }
        List<Target> candidates = catalog.candidates(r);
        if (candidates.isEmpty() && !r.models().any() && !catalog.knows(r.models())) {
            if (!config.routeUnknownModels()) {
                throw ApiError.modelNotFound("The model `" + r.models().raw() + "` does not exist or is not served by this gateway.");
            }
            candidates = catalog.candidates(r.withAnyModel());
        }
        if (candidates.isEmpty()) {
            if (r.alias() != null && r.strictAlias()) {
                throw ApiError.invalidRequest("No provider serving this model has a key with alias '" + r.alias()
                        + "' (set strict_alias to false to fall back to other keys).", "alias");
            }
            throw ApiError.modelNotFound("The model `" + r.models().raw() + "` is not served by provider '" + r.provider() + "'.");
        }
        return strategy.order(candidates, r);
    }

    public Future<Routed<JsonObject>> complete(List<Target> plan, ChatRequest chat, String requestId, Limits limits, Attempts attempts) {
        return run(plan, limits, attempts, 0, 0, null,
                t -> client.complete(t.provider().address(), request(t, chat, requestId, limits, null)))
                .onSuccess(r -> strategy.record(r.target(), AttemptOutcome.success(r.latencyMs(), r.latencyMs())));
    }

    /**
     * Opens a stream on the first target that delivers a first chunk. The caller reports the stream's final outcome
     * through {@link #recordStreamOutcome}.
     */
    public Future<Routed<UpstreamStream>> stream(List<Target> plan, ChatRequest chat, String requestId, Limits limits, Attempts attempts) {
        return run(plan, limits, attempts, 0, 0, null, t -> client.stream(t.provider().address(),
                address -> request(t, chat, requestId, limits, address), attempts::onCancel));
    }

    public void recordStreamOutcome(Target target, AttemptOutcome outcome) {
        strategy.record(target, outcome);
        if (!outcome.succeeded()) {
            cooldownsFor(target, outcome.error(), -1);
        }
    }

    private static ProviderRequest request(Target t, ChatRequest chat, String requestId, Limits limits, String streamAddress) {
        return new ProviderRequest(requestId, t.model(), t.key(), chat.fields(), chat.extraBody(), chat.stream(),
                chat.includeUsage(), limits, streamAddress);
    }

    private <T> Future<Routed<T>> run(List<Target> plan, Limits limits, Attempts attempts, int index, int tries,
            UpstreamFailure last, Function<Target, Future<T>> call) {
        if (attempts.cancelled()) {
            return Future.failedFuture(new ApiError(499, "The client closed the request.", "server_error", null, "client_closed"));
        }
        if (index >= plan.size()) {
            return Future.failedFuture(exhausted(plan, attempts, last));
        }
        Target target = plan.get(index);
        if (tries == 0 && cooldowns.remainingMs(target) > 0) {
            return run(plan, limits, attempts, index + 1, 0, last, call);
        }
        if (limits.remainingMs() <= 0) {
            return Future.failedFuture(exhausted(plan, attempts, last == null
                    ? new UpstreamFailure(ErrorClass.TIMEOUT, "the request's budget ran out") : last));
        }
        attempts.started(target);
        long start = System.nanoTime();
        return call.apply(target).transform(ar -> {
            long latencyMs = (System.nanoTime() - start) / 1_000_000;
            if (ar.succeeded()) {
                return Future.succeededFuture(new Routed<>(target, ar.result(), latencyMs));
            }
            if (attempts.cancelled()) {
                return Future.failedFuture(new ApiError(499, "The client closed the request.", "server_error", null, "client_closed"));
            }
            UpstreamFailure f = ar.cause() instanceof UpstreamFailure uf ? uf
                    : new UpstreamFailure(ErrorClass.NETWORK, "the provider failed: " + ar.cause().getMessage());
            strategy.record(target, AttemptOutcome.failure(f.errorClass(), latencyMs));
            cooldownsFor(target, f.errorClass(), f.retryAfterMs());
            RetryPolicy.Decision d = policy.decide(f, tries + 1);
            switch (d.action()) {
                case STOP:
                    return Future.failedFuture(clientError(f));
                case RETRY:
                    if (d.delayMs() < limits.remainingMs()) {
                        return vertx.timer(d.delayMs()).compose(v -> run(plan, limits, attempts, index, tries + 1, f, call));
                    }
                    return run(plan, limits, attempts, index + 1, 0, f, call);
                default:
                    return run(plan, limits, attempts, index + 1, 0, f, call);
            }
        });
    }

    private void cooldownsFor(Target t, ErrorClass c, long retryAfterMs) {
        switch (c) {
            case AUTH -> cooldowns.coolKey(t, config.authCooldownMs());
            case QUOTA -> cooldowns.coolKey(t, QUOTA_COOLDOWN_MS);
            case RATE_LIMIT -> {
                if (retryAfterMs > 0) {
                    cooldowns.coolTarget(t, retryAfterMs);
                }
            }
            default -> { }
        }
    }

    /** The upstream's own error, for failures that are the request's fault. */
    private static ApiError clientError(UpstreamFailure f) {
        JsonObject e = f.upstreamError() == null ? new JsonObject() : f.upstreamError();
        String message = e.getValue("message") instanceof String s && !s.isEmpty() ? s : f.getMessage();
        String type = e.getValue("type") instanceof String s ? s : "invalid_request_error";
        String param = e.getValue("param") instanceof String s ? s : null;
        Object code = e.getValue("code");
        String codeText = code != null ? code.toString() : f.errorClass() == ErrorClass.CONTEXT_LENGTH
                ? "context_length_exceeded" : f.errorClass() == ErrorClass.CONTENT_POLICY ? "content_policy_violation" : null;
        int status = f.status() >= 400 && f.status() < 500 ? f.status() : 400;
        return new ApiError(status, message, type, param, codeText);
    }

    private ApiError exhausted(List<Target> plan, Attempts attempts, UpstreamFailure last) {
        if (last == null) {
            long wait = plan.stream().mapToLong(cooldowns::remainingMs).min().orElse(1_000);
            return new ApiError(503, "Every target for this request is cooling down after recent failures; retry after "
                    + Math.max(1, (wait + 999) / 1000) + " s.", "server_error", null, "upstream_unavailable", Math.max(1, (wait + 999) / 1000));
        }
        Target t = attempts.target();
        String message = "All " + attempts.count() + " attempt(s) failed. Last: provider '" + t.provider().name()
                + "', model '" + t.model() + "': " + last.getMessage();
        ErrorClass c = last.errorClass();
        if (c.isTimeout()) {
            return new ApiError(504, message, "server_error", null, "upstream_timeout");
        }
        if (c == ErrorClass.RATE_LIMIT) {
            return new ApiError(503, message, "rate_limit_error", null, "rate_limit_exceeded",
                    last.retryAfterMs() > 0 ? (last.retryAfterMs() + 999) / 1000 : 1);
        }
        if (c == ErrorClass.OVERLOADED || c == ErrorClass.QUOTA || c == ErrorClass.AUTH) {
            return new ApiError(503, message, "server_error", null, "upstream_unavailable");
        }
        return new ApiError(502, message, "server_error", null, "upstream_error");
    }
}
