package dev.autogateway.openai;

import io.vertx.core.json.JsonObject;

/** The token counts an answer, or a stream's final chunk, reports in its {@code usage}. */
public record Tokens(long prompt, long completion) {
    /** What an answer without {@code usage} reports. */
    public static final Tokens NONE = new Tokens(-1, -1);

    /** The {@code usage} of a completion or chunk, or {@link #NONE}. */
    public static Tokens of(JsonObject completionOrChunk) {
        if (completionOrChunk.getValue("usage") instanceof JsonObject usage) {
            return new Tokens(count(usage, "prompt_tokens"), count(usage, "completion_tokens"));
        }
        return NONE;
    }

    private static long count(JsonObject usage, String field) {
        return usage.getValue(field) instanceof Number n ? n.longValue() : 0;
    }
}
