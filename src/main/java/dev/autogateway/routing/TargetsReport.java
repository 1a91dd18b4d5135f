package dev.autogateway.routing;

import dev.autogateway.config.ApiKey;
import dev.autogateway.config.ModelSpec;
import dev.autogateway.config.ProviderConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /admin/targets}: every configured (provider, model, key) with what the strategies learned about it and
 * what its gates say now. Keys appear as fingerprints (and their config alias), never as keys. Wildcard ({@code *})
 * entries have no model name of their own and are not listed.
 */
public final class TargetsReport {
    private TargetsReport() {}

    public static JsonObject of(List<ProviderConfig> providers, String strategy, Strategy strategies, TargetHealth health,
            long now) {
        JsonArray data = new JsonArray();
        for (ProviderConfig p : providers) {
            for (ModelSpec m : p.models()) {
                if (m.wildcard()) {
                    continue;
                }
                for (ApiKey k : p.keys()) {
                    data.add(target(new Target(p, m.name(), k, m), strategies, health, now));
                }
            }
        }
        return new JsonObject().put("object", "list").put("strategy", strategy).put("data", data);
    }

    private static JsonObject target(Target t, Strategy strategies, TargetHealth health, long now) {
        long cooling = health.coolingMs(t);
        return new JsonObject()
                .put("id", t.id())
                .put("provider", t.provider().name())
                .put("model", t.model())
                .put("key", t.key().fingerprint())
                .put("key_alias", t.key().alias())
                .mergeIn(strategies.describe(t))
                .put("circuit", health.circuit(t).name().toLowerCase(Locale.ROOT))
                .put("cooling_ms", cooling)
                .put("cooling_until", cooling > 0 ? now + cooling : null);
    }
}
