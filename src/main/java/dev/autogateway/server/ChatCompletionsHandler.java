package dev.autogateway.server;

import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.Limits;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.ModelQuery;
import dev.autogateway.routing.RequestNeeds;
import dev.autogateway.routing.RouteRequest;
import dev.autogateway.routing.StickySessions;
import dev.autogateway.routing.Strategies;
import dev.autogateway.routing.Target;
import dev.autogateway.config.RouterConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/** {@code POST /v1/chat/completions}: validate, plan the targets, then answer as JSON or relay a stream. */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
    static final String BUDGET_HEADER = "x-gateway-timeout";
    private static final int MAX_BUDGET_SECONDS = 3600;
    // Read on every request: names pre-encoded, so the header lookup hashes nothing.
    private static final CharSequence STRATEGY_NAME = HttpHeaders.createOptimized(Strategies.HEADER);
    private static final CharSequence BUDGET_NAME = HttpHeaders.createOptimized(BUDGET_HEADER);

    private final Supplier<Routing> routing;
    private final GatewayMetrics metrics;

    ChatCompletionsHandler(Supplier<Routing> routing, GatewayMetrics metrics) {
        this.routing = routing;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext rc) {
        Exchange x = Exchange.of(rc);
        // One generation for the whole request, even if the config is reloaded meanwhile.
        FailoverRouter router = routing.get().router();
        try {
            ChatRequest chat = ChatRequest.parse(rc.body().buffer(), router.sizesPrompts());
            x.model = chat.model();
            x.stream = chat.stream();
            RequestNeeds needs = RequestNeeds.of(chat);
            x.needs = needs;
            String strategy = strategy(rc);
            boolean sticky = router.config().sticky()
                    && !"sequential".equals(strategy == null ? router.config().strategy() : strategy);
            RouteRequest route = new RouteRequest(ModelQuery.parse(chat.model()), chat.provider(), chat.alias(),
                    chat.strictAlias(), needs,
                    sticky ? StickySessions.keyOf(rc.request().getHeader(StickySessions.HEADER), chat) : null,
                    strategy);
            List<Target> plan = router.plan(route);
            RouterConfig cfg = router.config();
            long budgetMs = budgetMs(rc, cfg);
            Limits limits = new Limits(cfg.connectTimeoutMs(), cfg.firstByteTimeoutMs(), cfg.idleTimeoutMs(),
                    cfg.attemptTimeoutMs(), x.startNanos + budgetMs * 1_000_000);
            if (chat.stream()) {
                new StreamRelay(rc.vertx(), cfg, router.stream(route, plan, chat, x.requestId, limits, x.attempts), x, metrics)
                        .start(budgetMs);
            } else {
                complete(router, x, route, plan, chat, limits);
            }
        } catch (ApiError e) {
            x.error(e);
        }
    }

    /** The strategy the {@code x-gateway-strategy} header names, or null for {@code router.strategy}. */
    private static String strategy(RoutingContext rc) {
        String header = rc.request().getHeader(STRATEGY_NAME);
        if (header == null || header.isBlank()) {
            return null;
        }
        String name = header.trim().toLowerCase(java.util.Locale.ROOT);
        if (!Strategies.NAMES.contains(name)) {
            throw ApiError.invalidRequest("Header '" + Strategies.HEADER + "' must name a strategy ("
                    + String.join(", ", Strategies.NAMES) + "), got '" + header + "'.", Strategies.HEADER);
        }
        return name;
    }

    /** The request's total budget: {@code router.timeout}, or the client's {@code x-gateway-timeout} in seconds. */
    private static long budgetMs(RoutingContext rc, RouterConfig cfg) {
        String header = rc.request().getHeader(BUDGET_NAME);
        if (header == null) {
            return cfg.timeoutMs();
        }
        try {
            double seconds = Double.parseDouble(header.trim());
            if (seconds > 0 && seconds <= MAX_BUDGET_SECONDS) {
                return Math.max(1, Math.round(seconds * 1000));
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiError.invalidRequest("Header '" + BUDGET_HEADER + "' must be a number of seconds between 0 and "
                + MAX_BUDGET_SECONDS + ", got '" + header + "'.", BUDGET_HEADER);
    }

    private void complete(FailoverRouter router, Exchange x, RouteRequest route, List<Target> plan, ChatRequest chat, Limits limits) {
        // Always completes: each attempt ends by its attempt timer at the latest (ProviderClient#complete).
        router.complete(route, plan, chat, x.requestId, limits, x.attempts).onComplete(ar -> {
            if (ar.failed()) {
                x.error(ar.cause());
                return;
            }
            Target t = ar.result().target();
            x.routingHeaders(t);
            x.ttftMs = ar.result().latencyMs();
            Usage.record(metrics, t, ar.result().value().tokens());
            x.json(200, ar.result().value().bytes());
        });
    }
}
