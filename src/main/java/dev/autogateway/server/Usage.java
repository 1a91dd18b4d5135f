package dev.autogateway.server;

import dev.autogateway.metrics.GatewayMetrics;
import dev.autogateway.openai.Tokens;
import dev.autogateway.routing.Target;

/** Token counts as the upstream reported them in a completion's or a final chunk's {@code usage}. */
final class Usage {
    private Usage() {}

    static void record(GatewayMetrics metrics, Target t, Tokens tokens) {
        if (tokens != Tokens.NONE) {
            metrics.tokens(t.provider().name(), t.configuredModel(), tokens.prompt(), tokens.completion());
        }
    }
}
