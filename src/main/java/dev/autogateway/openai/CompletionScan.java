package dev.autogateway.openai;

import static dev.autogateway.openai.JsonScanner.ascii;

import dev.autogateway.openai.JsonScanner.Token;
import io.vertx.core.buffer.Buffer;

/**
 * Reads an upstream's {@code chat.completion} in one pass, without building it, to tell whether its bytes can go to
 * the client as they are: whether {@link Completions#normalizeCompletion} would change nothing, and it is no error.
 * Building the object costs more than the rest of the gateway's work on a short answer, and a well-behaved
 * upstream's answer needs none. Anything it is unsure of (odd shapes, bad JSON) is left to the object path, which
 * decides exactly as before.
 */
public final class CompletionScan {
    private static final byte[] ID = ascii("id");
    private static final byte[] OBJECT = ascii("object");
    private static final byte[] CHAT_COMPLETION = ascii("chat.completion");
    private static final byte[] CREATED = ascii("created");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ERROR = ascii("error");
    private static final byte[] LOGPROBS = ascii("logprobs");
    private static final byte[] MESSAGE = ascii("message");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
    private static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");

    private CompletionScan() {}

    /**
     * @return the answer's {@code usage} ({@link Tokens#NONE} when it has none) when the bytes are a complete OpenAI
     *     answer that needs nothing filled in; null when the answer must be read as an object
     */
    public static Tokens passThrough(Buffer answer) {
        BufferBytes bytes = BufferBytes.of(answer);
        return passThrough(new JsonScanner(bytes.array(), bytes.offset(), bytes.length()));
    }

    private static Tokens passThrough(JsonScanner p) {
        try {
            return p.next() == Token.START_OBJECT ? answer(p) : null;
        } catch (JsonScanner.Unsure e) {
            return null;
        }
    }

    private static Tokens answer(JsonScanner p) {
        boolean id = false, object = false, created = false, model = false, choices = false;
        Tokens usage = Tokens.NONE;
        while (p.next() == Token.NAME) {
            if (p.textIs(ID)) {
                id = p.next() == Token.STRING;
            } else if (p.textIs(OBJECT)) {
                object = p.next() == Token.STRING && p.textIs(CHAT_COMPLETION);
            } else if (p.textIs(CREATED)) {
                created = p.next() == Token.NUMBER;
            } else if (p.textIs(MODEL)) {
                model = p.next() == Token.STRING && p.textLength() > 0;
            } else if (p.textIs(CHOICES)) {
                if (p.next() != Token.START_ARRAY || !choices(p)) {
                    return null;
                }
                choices = true;
            } else if (p.textIs(USAGE)) {
                usage = p.next() == Token.START_OBJECT ? usage(p) : Tokens.NONE;
            } else if (p.textIs(ERROR)) {
                if (p.next() != Token.NULL) {
                    return null;
                }
            } else {
                p.next();
            }
            p.skipChildren();
        }
        // One object and nothing after it: trailing bytes are left to the object path to refuse.
        return id && object && created && model && choices && p.next() == null ? usage : null;
    }

    /** Whether every choice object has what the SDKs need; false (mid-parse: stop reading) as soon as one lacks it. */
    private static boolean choices(JsonScanner p) {
        for (Token t = p.next(); t != Token.END_ARRAY; t = p.next()) {
            if (t != Token.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean logprobs = false;
            while (p.next() == Token.NAME) {
                if (p.textIs(LOGPROBS)) {
                    logprobs = true;
                    p.next();
                } else if (p.textIs(MESSAGE)) {
                    if (p.next() == Token.START_OBJECT && !message(p)) {
                        return false;
                    }
                } else {
                    p.next();
                }
                p.skipChildren();
            }
            if (!logprobs) {
                return false;
            }
        }
        return true;
    }

    private static boolean message(JsonScanner p) {
        boolean role = false, content = false, emptyContent = false, refusal = false, toolCalls = false;
        while (p.next() == Token.NAME) {
            if (p.textIs(ROLE)) {
                role = true;
                p.next();
            } else if (p.textIs(CONTENT)) {
                content = true;
                emptyContent = p.next() == Token.STRING && p.textLength() == 0;
            } else if (p.textIs(REFUSAL)) {
                refusal = true;
                p.next();
            } else if (p.textIs(TOOL_CALLS)) {
                if (p.next() == Token.START_ARRAY) {
                    int calls = toolCalls(p);
                    if (calls < 0) {
                        return false;
                    }
                    toolCalls = calls > 0;
                }
            } else {
                p.next();
            }
            p.skipChildren();
        }
        // With tool calls, an empty content is turned into null for the SDKs.
        return role && content && refusal && !(toolCalls && emptyContent);
    }

    /** The number of calls, or -1 (mid-parse: stop reading) when one names an id but no type, which must be filled in. */
    private static int toolCalls(JsonScanner p) {
        int calls = 0;
        for (Token t = p.next(); t != Token.END_ARRAY; t = p.next()) {
            calls++;
            if (t != Token.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean id = false, type = false;
            while (p.next() == Token.NAME) {
                if (p.textIs(ID)) {
                    id = p.next() != Token.NULL;
                } else if (p.textIs(TYPE)) {
                    type = p.next() != Token.NULL;
                } else {
                    p.next();
                }
                p.skipChildren();
            }
            if (id && !type) {
                return -1;
            }
        }
        return calls;
    }

    private static Tokens usage(JsonScanner p) {
        long prompt = 0, completion = 0;
        while (p.next() == Token.NAME) {
            if (p.textIs(PROMPT_TOKENS)) {
                if (p.next() == Token.NUMBER) {
                    prompt = p.longValue();
                }
            } else if (p.textIs(COMPLETION_TOKENS)) {
                if (p.next() == Token.NUMBER) {
                    completion = p.longValue();
                }
            } else {
                p.next();
            }
            p.skipChildren();
        }
        return new Tokens(prompt, completion);
    }
}
