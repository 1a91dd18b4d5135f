package dev.autogateway.routing;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Orders the targets that can serve a request and learns from every attempt's outcome (the gateway's is
 * {@link Strategies}, which holds them all). Called on event loops from several threads at once: implementations
 * must be thread-safe and must not block.
 */
public interface Strategy {

    /** The order in which to try {@code candidates} (all able to serve the request, in config order). */
    List<Target> order(List<Target> candidates, RouteRequest request);

    /** Reports one attempt's outcome; a stream reports success when it finishes, not when it starts. */
    void record(Target target, AttemptOutcome outcome);

    /** What the strategy knows about a target, for {@code GET /admin/targets}; empty when it keeps nothing. */
    default JsonObject describe(Target target) {
        return new JsonObject();
    }
}
