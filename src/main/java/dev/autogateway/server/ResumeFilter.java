package dev.autogateway.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splices a replacement stream onto an answer that died mid-stream, so the client sees one coherent answer. A
 * target that continued from a prefill streams the continuation itself. Otherwise the new answer must begin with
 * exactly the text already sent (whitespace runs compared as one space): that prefix is held back and only the
 * remainder goes out. An answer that diverges, or turns to tool calls, cannot be spliced.
 */
final class ResumeFilter {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    /** The replacement cannot continue the answer the client already has. */
    static final class Diverged extends RuntimeException {
        Diverged(String message) {
            super(message, null, false, false);
        }
    }

    private final String sentNormalized;
    private final boolean prefilled;
    private final String id;
    private final long created;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;

    ResumeFilter(String sent, boolean prefilled, String id, long created) {
        this.sentNormalized = normalize(sent);
        this.prefilled = prefilled;
        this.id = id;
        this.created = created;
        this.matched = prefilled || sentNormalized.isEmpty();
    }

    /** The chunks to send on for one chunk of the replacement stream. @throws Diverged when it cannot be spliced */
    List<JsonObject> accept(JsonObject chunk) {
        chunk.put("id", id).put("created", created);
        JsonObject choice = firstChoice(chunk);
        JsonObject delta = choice == null ? null : choice.getJsonObject("delta");
        if (delta != null) {
            // The client already had the role in the first chunk of the answer.
            delta.remove("role");
        }
        if (matched) {
            return isEmpty(choice, chunk) ? List.of() : List.of(chunk);
        }
        if (delta != null && delta.getValue("tool_calls") != null) {
            throw new Diverged("the replacement answer turned to tool calls");
        }
        if (delta != null && delta.getValue("content") instanceof String text) {
            held.append(text);
        }
        String heldNormalized = normalize(held.toString());
        if (heldNormalized.length() < sentNormalized.length()) {
            if (!sentNormalized.startsWith(heldNormalized) || choice != null && choice.getValue("finish_reason") != null) {
                throw new Diverged("the replacement answer does not begin with the text already sent");
            }
            return List.of();
        }
        if (!heldNormalized.startsWith(sentNormalized)) {
            throw new Diverged("the replacement answer does not begin with the text already sent");
        }
        matched = true;
        String remainder = held.substring(rawEndOfPrefix(held, sentNormalized.length()));
        if (delta != null) {
            delta.put("content", remainder);
        }
        return isEmpty(choice, chunk) ? List.of() : List.of(chunk);
    }

    private static JsonObject firstChoice(JsonObject chunk) {
        JsonArray choices = chunk.getJsonArray("choices");
        return choices == null || choices.isEmpty() ? null : choices.getJsonObject(0);
    }

    private static boolean isEmpty(JsonObject choice, JsonObject chunk) {
        if (chunk.getValue("usage") != null) {
            return false;
        }
        if (choice == null) {
            return true;
        }
        JsonObject delta = choice.getJsonObject("delta");
        boolean noDelta = delta == null || delta.isEmpty() || (delta.size() == 1 && "".equals(delta.getValue("content")));
        return noDelta && choice.getValue("finish_reason") == null;
    }

    static String normalize(String s) {
        return WHITESPACE.matcher(s).replaceAll(" ");
    }

    /** Where, in {@code raw}, its normalised form reaches {@code length} characters (after a whole whitespace run). */
    static int rawEndOfPrefix(CharSequence raw, int length) {
        int count = 0;
        int i = 0;
        while (i < raw.length() && count < length) {
            if (Character.isWhitespace(raw.charAt(i))) {
                while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
                    i++;
                }
            } else {
                i++;
            }
            count++;
        }
        return i;
    }
}
