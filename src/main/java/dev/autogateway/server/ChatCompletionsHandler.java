package dev.autogateway.server;

import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.Limits;
import dev.autogateway.routing.FailoverRouter;
import dev.autogateway.routing.ModelQuery;
import dev.autogateway.routing.RouteRequest;
import dev.autogateway.routing.Target;
import dev.autogateway.config.RouterConfig;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code POST /v1/chat/completions}: validate, plan the targets, then answer as JSON or relay a stream. */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
    private final FailoverRouter router;

    ChatCompletionsHandler(FailoverRouter router) {
        this.router = router;
    }

    @Override
    public void handle(RoutingContext rc) {
        Exchange x = Exchange.of(rc);
        try {
            ChatRequest chat = ChatRequest.parse(rc.body().buffer());
            x.model = chat.model();
            x.stream = chat.stream();
            RouteRequest route = new RouteRequest(ModelQuery.parse(chat.model()), chat.provider(), chat.alias(), chat.strictAlias());
            List<Target> plan = router.plan(route);
            RouterConfig cfg = router.config();
            Limits limits = new Limits(cfg.connectTimeoutMs(), cfg.firstByteTimeoutMs(), cfg.idleTimeoutMs(),
                    x.startNanos + cfg.timeoutMs() * 1_000_000);
            if (chat.stream()) {
                new StreamRelay(rc.vertx(), router, x).start(plan, chat, limits);
            } else {
                complete(x, plan, chat, limits);
            }
        } catch (ApiError e) {
            x.error(e);
        }
    }

    private void complete(Exchange x, List<Target> plan, ChatRequest chat, Limits limits) {
        x.response.closeHandler(v -> x.attempts.cancel());
        router.complete(plan, chat, x.requestId, limits, x.attempts).onComplete(ar -> {
            if (ar.failed()) {
                x.error(ar.cause());
                return;
            }
            x.routingHeaders(ar.result().target());
            x.ttftMs = ar.result().latencyMs();
            x.json(200, ar.result().value());
        });
    }
}
