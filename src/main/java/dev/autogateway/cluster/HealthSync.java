package dev.autogateway.cluster;

import dev.autogateway.routing.TargetHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares routing health across the cluster: every cool-down (Retry-After, rate-limit backoff, bad key) and every
 * opened circuit is published as a small event on the clustered event bus and merged into each other member's
 * {@link TargetHealth}. The request path only ever reads local state; publishing is fire-and-forget. A member that
 * joins late asks one peer for the current state before it serves.
 */
public final class HealthSync {
    static final String EVENTS = "gw.cluster.health";
    static final String SNAPSHOT = "gw.cluster.health.snapshot";
    private static final Logger LOG = LoggerFactory.getLogger(HealthSync.class);
    private static final long SNAPSHOT_TIMEOUT_MS = 3_000;

    private final Vertx vertx;
    private final TargetHealth health;
    private final String self = UUID.randomUUID().toString();
    private MessageConsumer<JsonObject> events;
    private MessageConsumer<JsonObject> snapshots;

    private HealthSync(Vertx vertx, TargetHealth health) {
        this.vertx = vertx;
        this.health = health;
    }

    public static Future<HealthSync> start(Vertx vertx, TargetHealth health) {
        HealthSync sync = new HealthSync(vertx, health);
        return sync.join().map(sync);
    }

    private Future<Void> join() {
        events = vertx.eventBus().consumer(EVENTS, m -> apply(m.body()));
        health.listen(new TargetHealth.Listener() {
            @Override
            public void cooled(String id, long untilMillis) {
                publish(new JsonObject().put("kind", "cool").put("id", id).put("until", untilMillis));
            }

            @Override
            public void circuitOpened(String targetId) {
                publish(new JsonObject().put("kind", "open").put("id", targetId));
            }
        });
        // Ask a peer before answering peers ourselves, or the request could come back to this member.
        return events.completion()
                .compose(v -> vertx.eventBus().<JsonObject>request(SNAPSHOT, new JsonObject().put("from", self),
                        new DeliveryOptions().setSendTimeout(SNAPSHOT_TIMEOUT_MS)))
                .map(m -> {
                    restore(m.body());
                    return (Void) null;
                })
                .otherwise(e -> {
                    LOG.debug("no cluster health snapshot ({}): first member or peers busy", e.getMessage());
                    return null;
                })
                .compose(v -> {
                    snapshots = vertx.eventBus().consumer(SNAPSHOT, m -> m.reply(snapshot()));
                    return snapshots.completion();
                });
    }

    private void publish(JsonObject event) {
        vertx.eventBus().publish(EVENTS, event.put("from", self));
    }

    private void apply(JsonObject event) {
        if (self.equals(event.getString("from"))) {
            return;
        }
        String id = event.getString("id");
        if ("cool".equals(event.getString("kind"))) {
            health.applyRemoteCooldown(id, event.getLong("until"));
        } else if ("open".equals(event.getString("kind"))) {
            health.applyRemoteOpen(id);
        }
    }

    private JsonObject snapshot() {
        JsonObject cooldowns = new JsonObject();
        health.activeCooldowns().forEach(cooldowns::put);
        return new JsonObject().put("cooldowns", cooldowns).put("open", new JsonArray(health.openCircuitIds()));
    }

    private void restore(JsonObject snapshot) {
        snapshot.getJsonObject("cooldowns", new JsonObject()).forEach(e -> health.applyRemoteCooldown(e.getKey(), ((Number) e.getValue()).longValue()));
        snapshot.getJsonArray("open", new JsonArray()).forEach(id -> health.applyRemoteOpen((String) id));
        LOG.info("joined the cluster with {} cool-down(s) and {} open circuit(s) from a peer",
                snapshot.getJsonObject("cooldowns", new JsonObject()).size(), snapshot.getJsonArray("open", new JsonArray()).size());
    }

    public Future<Void> stop() {
        health.listen(TargetHealth.Listener.NONE);
        return Future.join(events.unregister(), snapshots == null ? Future.succeededFuture() : snapshots.unregister()).mapEmpty();
    }
}
