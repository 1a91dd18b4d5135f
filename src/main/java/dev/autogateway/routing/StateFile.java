package dev.autogateway.routing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The learning strategies' state on disk: every target's {@link TargetStats} and the cool-downs still running, by
 * target or key id. Ids hold key fingerprints, never keys or key prefixes (the original wrote the first 20
 * characters of each key).
 *
 * <pre>{"version":1,"saved_at":1700000000000,
 *  "targets":{"openai:gpt-4o:k1a2b3c4d5e6f":{"attempts":12,"successes":11,...,"ewma_latency_ms":412.5,...}},
 *  "cooldowns":{"openai:k1a2b3c4d5e6f":1700000060000}}</pre>
 */
final class StateFile {
    static final int VERSION = 1;

    record State(Map<String, TargetStats> targets, Map<String, Long> cooldowns) {}

    private StateFile() {}

    static Buffer encode(State state, long now) {
        JsonObject targets = new JsonObject();
        state.targets().forEach((id, s) -> targets.put(id, s.toJson()));
        JsonObject cooldowns = new JsonObject();
        state.cooldowns().forEach(cooldowns::put);
        return new JsonObject()
                .put("version", VERSION)
                .put("saved_at", now)
                .put("targets", targets)
                .put("cooldowns", cooldowns)
                .toBuffer();
    }

    /** @throws IllegalArgumentException (or a {@code DecodeException}) when the content is not a state file */
    static State decode(Buffer content) {
        JsonObject json = content.toJsonObject();
        Object version = json.getValue("version");
        if (!(version instanceof Number n) || n.intValue() != VERSION) {
            throw new IllegalArgumentException("unknown state file version " + version);
        }
        Map<String, TargetStats> targets = new HashMap<>();
        JsonObject t = json.getJsonObject("targets", new JsonObject());
        for (String id : t.fieldNames()) {
            targets.put(id, TargetStats.fromJson(t.getJsonObject(id)));
        }
        Map<String, Long> cooldowns = new HashMap<>();
        JsonObject c = json.getJsonObject("cooldowns", new JsonObject());
        for (String id : c.fieldNames()) {
            cooldowns.put(id, c.getLong(id));
        }
        return new State(targets, cooldowns);
    }
}
