package dev.autogateway.routing;

import dev.autogateway.config.RouterConfig;
import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.Completion;
import dev.autogateway.provider.Limits;
import dev.autogateway.provider.ProviderClient;
import dev.autogateway.provider.ProviderDeployer;
import dev.autogateway.provider.ProviderRequest;
import dev.autogateway.provider.Reply;
import dev.autogateway.provider.UpstreamFailure;
import dev.autogateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Plans which targets may serve a request (its model's, then its fallback models') and runs them in the strategy's
 * order through a {@link Dispatch}, reporting every attempt to the strategy and to {@link TargetHealth}.
 */
public final class FailoverRouter {
    static final ApiError CLIENT_CLOSED = new ApiError(499, "The client closed the request.", "server_error", null, "client_closed");

    private final Vertx vertx;
    private final RouterConfig config;
    private final Catalog catalog;
    private final Strategy strategy;
    private final TargetHealth health;
    private final ProviderClient client;
    private final RetryPolicy policy;
    private final GatewayMetrics metrics;
    private final int generation;
    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    /** @param generation the config generation whose provider verticles this router calls (see hot reload) */
    public FailoverRouter(Vertx vertx, RouterConfig config, Catalog catalog, Strategy strategy, TargetHealth health,
            GatewayMetrics metrics, int generation) {
        this.vertx = vertx;
        this.config = config;
        this.catalog = catalog;
        this.strategy = strategy;
        this.health = health;
        this.client = new ProviderClient(vertx);
        this.policy = new RetryPolicy(config.retries());
        this.metrics = metrics;
        this.generation = generation;
    }

    String address(Target t) {
        return addresses.computeIfAbsent(t.provider().name(), name -> ProviderDeployer.address(generation, name));
    }

    public RouterConfig config() {
        return config;
    }

    /** Whether requests need their prompt size estimated: some model of this config has a context window. */
    public boolean sizesPrompts() {
        return catalog.hasContextWindows();
    }

    public Strategy strategy() {
        return strategy;
    }

    Vertx vertx() {
        return vertx;
    }

    TargetHealth health() {
        return health;
    }

    RetryPolicy policy() {
        return policy;
    }

    /**
     * The targets to try, in order: the requested model's, then those of its fallback models (and, for a prompt
     * too large for some of its models, their {@code context_window_fallbacks}). Only targets that can serve the
     * request are in it (tools need {@code tool_calls}, the prompt must fit); those that take every content part
     * come first, so images, audio or video are dropped only when no target that takes them is left.
     *
     * @throws ApiError when no configured target can serve the request
     */
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
        List<Target> usable = usable(candidates, r.needs());
        List<Target> ordered = usable.isEmpty() ? List.of() : strategy.order(usable, r);
        if (!ordered.isEmpty() && noFallbacks(candidates, r)) {
            return r.needs().preferComplete(ordered);
        }
        Set<Target> plan = new LinkedHashSet<>(ordered);
        Set<String> models = new LinkedHashSet<>();
        plan.forEach(t -> models.add(t.model()));
        candidates.forEach(t -> models.add(t.model()));
        for (String model : models) {
            for (String fallback : fallbacksOf(model, candidates)) {
                plan.addAll(targetsFor(fallback, r));
            }
            if (candidates.stream().anyMatch(t -> t.model().equals(model) && !r.needs().fits(t))) {
                plan.addAll(contextFallbacks(model, r));
            }
        }
        if (plan.isEmpty()) {
            throw r.needs().unservable(candidates);
        }
        return r.needs().preferComplete(List.copyOf(plan));
    }

    /** The targets that can take the request: the (immutable) list itself when all can, as they usually do. */
    private static List<Target> usable(List<Target> targets, RequestNeeds needs) {
        for (Target t : targets) {
            if (!needs.usableBy(t)) {
                return targets.stream().filter(needs::usableBy).toList();
            }
        }
        return targets;
    }

    /** True when no candidate's model has fallback models, nor context fallbacks it needs: the usual case. */
    private boolean noFallbacks(List<Target> candidates, RouteRequest r) {
        for (Target t : candidates) {
            if (!t.spec().fallbacks().isEmpty() || !config.fallbacks().getOrDefault(t.model(), List.of()).isEmpty()
                    || !r.needs().fits(t) && !config.contextWindowFallbacks().getOrDefault(t.model(), List.of()).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private List<String> fallbacksOf(String model, List<Target> candidates) {
        Set<String> names = new LinkedHashSet<>(config.fallbacks().getOrDefault(model, List.of()));
        candidates.stream().filter(t -> t.model().equals(model)).forEach(t -> names.addAll(t.spec().fallbacks()));
        return new ArrayList<>(names);
    }

    private List<Target> targetsFor(String model, RouteRequest r) {
        RouteRequest fallback = r.forFallback(model);
        List<Target> usable = usable(catalog.candidates(fallback), r.needs());
        return usable.isEmpty() ? usable : strategy.order(usable, fallback);
    }

    /** Every configured target's live state, for {@code GET /admin/targets}. */
    public JsonObject targetsReport() {
        return TargetsReport.of(catalog.providers(), config.strategy(), strategy, health, System.currentTimeMillis());
    }

    /** The targets of {@code model}'s larger-context models, for a request that does not fit it. */
    List<Target> contextFallbacks(String model, RouteRequest r) {
        List<Target> out = new ArrayList<>();
        for (String larger : config.contextWindowFallbacks().getOrDefault(model, List.of())) {
            out.addAll(targetsFor(larger, r));
        }
        return out;
    }

    public Future<Routed<Completion>> complete(RouteRequest route, List<Target> plan, ChatRequest chat, String requestId,
            Limits limits, Attempts attempts) {
        return new Dispatch<>(this, route, plan, limits, attempts,
                t -> client.complete(address(t), reply -> request(t, chat, route.needs(), requestId, limits, null, reply),
                        attempts::onCancel), false)
                .run()
                .onSuccess(r -> recordSuccess(r.target(), AttemptOutcome.success(r.latencyMs(), r.latencyMs())));
    }

    /** Routes a streaming request; see {@link StreamRoute}. */
    public StreamRoute stream(RouteRequest route, List<Target> plan, ChatRequest chat, String requestId, Limits limits,
            Attempts attempts) {
        return new StreamRoute(this, client, route, plan, chat, requestId, limits, attempts);
    }

    /** What {@code t} is sent: the request, less the content parts it cannot take (see {@link RequestNeeds}). */
    static ProviderRequest request(Target t, ChatRequest chat, RequestNeeds needs, String requestId, Limits limits,
            String streamAddress, Reply reply) {
        Set<String> dropped = needs.droppedBy(t);
        Supplier<JsonObject> fields = chat::fields;
        Buffer body = null;
        if (dropped.isEmpty()) {
            body = chat.bodyFor(t.model());
        } else {
            JsonObject filtered = RequestNeeds.without(dropped, chat.fields());
            fields = () -> filtered;
        }
        return new ProviderRequest(requestId, t.model(), t.key(), fields, body, chat.extraBody(),
                chat.stream(), chat.includeUsage(), limits, streamAddress, reply);
    }

    void recordSuccess(Target t, AttemptOutcome outcome) {
        metrics.attempt(t.provider().name(), t.configuredModel(), "success");
        strategy.record(t, outcome);
        health.onSuccess(t);
    }

    void recordFailure(Target t, UpstreamFailure f, long latencyMs) {
        metrics.attempt(t.provider().name(), t.configuredModel(), f.errorClass().wireName());
        strategy.record(t, AttemptOutcome.failure(f.errorClass(), latencyMs));
        health.onFailure(t, f);
    }

    /** The upstream's own error, for failures that are the request's fault. */
    static ApiError clientError(UpstreamFailure f) {
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

    ApiError exhausted(List<Target> plan, Attempts attempts, UpstreamFailure last, Target lastTarget) {
        if (last == null) {
            long wait = plan.stream().mapToLong(health::coolingMs).filter(ms -> ms > 0).min().orElse(config.circuitResetMs());
            long seconds = Math.max(1, (wait + 999) / 1000);
            return new ApiError(503, "Every target for this request is resting after recent failures; retry after "
                    + seconds + " s.", "server_error", null, "upstream_unavailable", seconds);
        }
        String message = "All " + attempts.count() + " attempt(s) failed. Last: provider '" + lastTarget.provider().name()
                + "', model '" + lastTarget.model() + "': " + last.getMessage();
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
