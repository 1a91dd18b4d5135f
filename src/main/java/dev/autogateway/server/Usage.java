package dev.autogateway.server;

import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.routing.Target;
import io.vertx.core.json.JsonObject;

/** Token counts as the upstream reported them in a completion's or a final chunk's {@code usage}. */
final class Usage {
    private Usage() {}

    static void record(GatewayMetrics metrics, Target t, JsonObject completionOrChunk) {
        if (completionOrChunk.getValue("usage") instanceof JsonObject usage) {
            metrics.tokens(t.provider().name(), t.model(), count(usage, "prompt_tokens"), count(usage, "completion_tokens"));
        }
    }

    private static long count(JsonObject usage, String field) {
        return usage.getValue(field) instanceof Number n ? n.longValue() : 0;
    }
}
