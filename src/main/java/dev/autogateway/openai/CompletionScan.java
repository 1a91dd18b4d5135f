package dev.autogateway.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads an upstream's {@code chat.completion} in one streaming pass, without building it, to tell whether its bytes
 * can go to the client as they are: whether {@link Completions#normalizeCompletion} would change nothing, and it is
 * no error. Building the object costs more than the rest of the gateway's work on a short answer, and a
 * well-behaved upstream's answer needs none. Anything it is unsure of (odd shapes, bad JSON) is left to the object
 * path, which decides exactly as before.
 */
public final class CompletionScan {
    private static final JsonFactory JSON = new JsonFactory();

    private CompletionScan() {}

    /**
     * @return the answer's {@code usage} ({@link Tokens#NONE} when it has none) when the bytes are a complete OpenAI
     *     answer that needs nothing filled in; null when the answer must be read as an object
     */
    public static Tokens passThrough(byte[] answer) {
        try (JsonParser p = JSON.createParser(answer)) {
            return p.nextToken() == JsonToken.START_OBJECT ? answer(p) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Tokens answer(JsonParser p) throws IOException {
        boolean id = false, object = false, created = false, model = false, choices = false;
        Tokens usage = Tokens.NONE;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "id" -> id = v == JsonToken.VALUE_STRING;
                case "object" -> object = v == JsonToken.VALUE_STRING && "chat.completion".equals(p.getText());
                case "created" -> created = v.isNumeric();
                case "model" -> model = v == JsonToken.VALUE_STRING && p.getTextLength() > 0;
                case "choices" -> {
                    if (v != JsonToken.START_ARRAY || !choices(p)) {
                        return null;
                    }
                    choices = true;
                }
                case "usage" -> usage = v == JsonToken.START_OBJECT ? usage(p) : skip(p, Tokens.NONE);
                case "error" -> {
                    if (v != JsonToken.VALUE_NULL) {
                        return null;
                    }
                }
                default -> p.skipChildren();
            }
        }
        // One object and nothing after it: trailing bytes are left to the object path to refuse.
        return id && object && created && model && choices && p.nextToken() == null ? usage : null;
    }

    /** Whether every choice object has what the SDKs need; false (mid-parse: stop reading) as soon as one lacks it. */
    private static boolean choices(JsonParser p) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean logprobs = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("logprobs")) {
                    logprobs = true;
                    p.skipChildren();
                } else if (name.equals("message") && v == JsonToken.START_OBJECT) {
                    if (!message(p)) {
                        return false;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (!logprobs) {
                return false;
            }
        }
        return true;
    }

    private static boolean message(JsonParser p) throws IOException {
        boolean role = false, content = false, emptyContent = false, refusal = false, toolCalls = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "role" -> role = true;
                case "content" -> {
                    content = true;
                    emptyContent = v == JsonToken.VALUE_STRING && p.getTextLength() == 0;
                }
                case "refusal" -> refusal = true;
                case "tool_calls" -> {
                    if (v == JsonToken.START_ARRAY) {
                        int calls = toolCalls(p);
                        if (calls < 0) {
                            return false;
                        }
                        toolCalls = calls > 0;
                    }
                }
                default -> { }
            }
            p.skipChildren();
        }
        // With tool calls, an empty content is turned into null for the SDKs.
        return role && content && refusal && !(toolCalls && emptyContent);
    }

    /** The number of calls, or -1 (mid-parse: stop reading) when one names an id but no type, which must be filled in. */
    private static int toolCalls(JsonParser p) throws IOException {
        int calls = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            calls++;
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean id = false, type = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("id")) {
                    id = v != JsonToken.VALUE_NULL;
                } else if (name.equals("type")) {
                    type = v != JsonToken.VALUE_NULL;
                }
                p.skipChildren();
            }
            if (id && !type) {
                return -1;
            }
        }
        return calls;
    }

    private static Tokens usage(JsonParser p) throws IOException {
        long prompt = 0, completion = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("prompt_tokens") && v.isNumeric()) {
                prompt = p.getValueAsLong();
            } else if (name.equals("completion_tokens") && v.isNumeric()) {
                completion = p.getValueAsLong();
            } else {
                p.skipChildren();
            }
        }
        return new Tokens(prompt, completion);
    }

    private static <T> T skip(JsonParser p, T value) throws IOException {
        p.skipChildren();
        return value;
    }
}
