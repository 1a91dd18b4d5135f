package dev.autogateway.server;

import dev.autogateway.config.ModelSpec;
import dev.autogateway.config.ProviderConfig;
import dev.autogateway.openai.Completions;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** {@code GET /v1/models}: OpenAI's model list, one entry per configured model, owned by its first provider. */
final class ModelsHandler implements Handler<RoutingContext> {
    private final Supplier<Routing> routing;

    ModelsHandler(Supplier<Routing> routing) {
        this.routing = routing;
    }

    /** The list for one config generation: built and encoded once, served as is. */
    static Buffer list(List<ProviderConfig> providers) {
        long created = Completions.now();
        JsonArray data = new JsonArray();
        Set<String> seen = new HashSet<>();
        for (ProviderConfig p : providers) {
            for (ModelSpec m : p.models()) {
                if (!m.wildcard() && seen.add(m.name())) {
                    data.add(new JsonObject().put("id", m.name()).put("object", "model").put("created", created)
                            .put("owned_by", p.name()).put("features", new JsonArray(List.copyOf(m.features()))));
                }
            }
        }
        return new JsonObject().put("object", "list").put("data", data).toBuffer();
    }

    @Override
    public void handle(RoutingContext rc) {
        Exchange.of(rc).json(200, routing.get().models());
    }
}
