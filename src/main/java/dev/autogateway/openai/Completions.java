package dev.autogateway.openai;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OpenAI's response shapes: builds them for providers that do not speak OpenAI, and fills in what some
 * OpenAI-compatible servers leave out, so that strict clients (the official SDKs) parse every answer.
 */
public final class Completions {
    private Completions() {}

    public static String newId() {
        // Unique, not secret: a per-thread generator instead of SecureRandom on every response.
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "chatcmpl-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * Fills the fields {@code CreateChatCompletionResponse} requires; keeps everything the upstream sent. Returns
     * whether it changed anything: when not, the upstream's bytes can go to the client as they are.
     */
    public static boolean normalizeCompletion(JsonObject c, String model) {
        boolean changed = defaults(c, "chat.completion", model) | !(c.getValue("choices") instanceof JsonArray);
        for (Object o : choices(c)) {
            if (o instanceof JsonObject choice) {
                changed |= putIfAbsent(choice, "logprobs", null);
                if (choice.getValue("message") instanceof JsonObject m) {
                    changed |= putIfAbsent(m, "role", "assistant");
                    changed |= putIfAbsent(m, "refusal", null);
                    JsonArray calls = m.getJsonArray("tool_calls");
                    if (calls != null && !calls.isEmpty()) {
                        changed |= typeToolCalls(calls);
                        if ("".equals(m.getValue("content"))) {
                            m.putNull("content");
                            changed = true;
                        }
                    }
                    changed |= putIfAbsent(m, "content", null);
                }
            }
        }
        return changed;
    }

    /** Fills the fields {@code CreateChatCompletionStreamResponse} requires; keeps everything the upstream sent. */
    public static boolean normalizeChunk(JsonObject c, String model) {
        boolean changed = defaults(c, "chat.completion.chunk", model) | !(c.getValue("choices") instanceof JsonArray);
        for (Object o : choices(c)) {
            if (o instanceof JsonObject choice) {
                changed |= putIfAbsent(choice, "finish_reason", null);
                if (choice.getValue("delta") instanceof JsonObject d && d.getValue("tool_calls") instanceof JsonArray calls) {
                    changed |= typeToolCalls(calls);
                }
            }
        }
        return changed;
    }

    private static boolean putIfAbsent(JsonObject o, String field, Object value) {
        if (o.containsKey(field)) {
            return false;
        }
        o.put(field, value);
        return true;
    }

    private static JsonArray choices(JsonObject c) {
        Object choices = c.getValue("choices");
        if (choices instanceof JsonArray a) {
            return a;
        }
        JsonArray empty = new JsonArray();
        c.put("choices", empty);
        return empty;
    }

    private static boolean defaults(JsonObject c, String object, String model) {
        boolean changed = false;
        if (!(c.getValue("id") instanceof String)) {
            c.put("id", newId());
            changed = true;
        }
        if (!object.equals(c.getValue("object"))) {
            c.put("object", object);
            changed = true;
        }
        if (!(c.getValue("created") instanceof Number)) {
            c.put("created", now());
            changed = true;
        }
        if (!(c.getValue("model") instanceof String s) || s.isEmpty()) {
            c.put("model", model);
            changed = true;
        }
        return changed;
    }

    /** Some servers omit {@code "type":"function"}; the spec requires it wherever a call's id is given. */
    private static boolean typeToolCalls(JsonArray calls) {
        boolean changed = false;
        for (Object o : calls) {
            if (o instanceof JsonObject call && call.getValue("id") != null && call.getValue("type") == null) {
                call.put("type", "function");
                changed = true;
            }
        }
        return changed;
    }

    /** A new {@code chat.completion} of {@code choices}, as a provider that does not speak OpenAI answers. */
    public static JsonObject completion(String model, JsonArray choices) {
        return new JsonObject().put("id", newId()).put("object", "chat.completion").put("created", now())
                .put("model", model).put("choices", choices);
    }

    /** One choice of a completion. */
    public static JsonObject choice(int index, JsonObject message, String finishReason) {
        return new JsonObject().put("index", index).put("message", message).put("logprobs", null)
                .put("finish_reason", finishReason);
    }

    public static JsonObject chunk(String id, long created, String model, JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("logprobs", null)
                .put("finish_reason", finishReason);
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                .put("model", model).put("choices", new JsonArray().add(choice));
    }

    public static JsonObject usage(long prompt, long completion) {
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }
}
