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

    /** Fills the fields {@code CreateChatCompletionResponse} requires; keeps everything the upstream sent. */
    public static JsonObject normalizeCompletion(JsonObject c, String model) {
        defaults(c, "chat.completion", model);
        for (Object o : choices(c)) {
            if (o instanceof JsonObject choice) {
                choice.getMap().putIfAbsent("logprobs", null);
                if (choice.getValue("message") instanceof JsonObject m) {
                    m.getMap().putIfAbsent("role", "assistant");
                    m.getMap().putIfAbsent("refusal", null);
                    JsonArray calls = m.getJsonArray("tool_calls");
                    if (calls != null && !calls.isEmpty()) {
                        typeToolCalls(calls);
                        if ("".equals(m.getValue("content"))) {
                            m.putNull("content");
                        }
                    }
                    m.getMap().putIfAbsent("content", null);
                }
            }
        }
        return c;
    }

    /** Fills the fields {@code CreateChatCompletionStreamResponse} requires; keeps everything the upstream sent. */
    public static JsonObject normalizeChunk(JsonObject c, String model) {
        defaults(c, "chat.completion.chunk", model);
        for (Object o : choices(c)) {
            if (o instanceof JsonObject choice) {
                choice.getMap().putIfAbsent("finish_reason", null);
                if (choice.getValue("delta") instanceof JsonObject d && d.getValue("tool_calls") instanceof JsonArray calls) {
                    typeToolCalls(calls);
                }
            }
        }
        return c;
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

    private static void defaults(JsonObject c, String object, String model) {
        if (!(c.getValue("id") instanceof String)) {
            c.put("id", newId());
        }
        c.put("object", object);
        if (!(c.getValue("created") instanceof Number)) {
            c.put("created", now());
        }
        if (!(c.getValue("model") instanceof String s) || s.isEmpty()) {
            c.put("model", model);
        }
    }

    /** Some servers omit {@code "type":"function"}; the spec requires it wherever a call's id is given. */
    private static void typeToolCalls(JsonArray calls) {
        for (Object o : calls) {
            if (o instanceof JsonObject call && call.getValue("id") != null && call.getValue("type") == null) {
                call.put("type", "function");
            }
        }
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
