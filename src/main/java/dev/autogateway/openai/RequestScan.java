package dev.autogateway.openai;

import static dev.autogateway.openai.JsonScanner.UNSURE;
import static dev.autogateway.openai.JsonScanner.ascii;

import dev.autogateway.openai.JsonScanner.Token;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads a chat completions request in one pass over its bytes, without building it: what validation and routing
 * need ({@link ChatRequest}'s own fields, where the model lies in the bytes, and a {@link RequestOutline}), while
 * the bytes themselves go upstream. An agent's request (a long system prompt, tool definitions, history) runs to
 * tens of kilobytes, and building it as objects was about a third of the gateway's CPU for it; the objects are now
 * built only if a provider needs them.
 *
 * <p>It vouches only for valid requests of the usual shapes. Anything else (the gateway's own extras to strip, a
 * field it reads given twice or with an odd type, an invalid message, escaped names, bad JSON) throws
 * {@link JsonScanner.Unsure}, and the request is read the ordinary way, which validates and decides as before.
 */
final class RequestScan {
    private static final byte[] MODEL = ascii("model");
    private static final byte[] MESSAGES = ascii("messages");
    private static final byte[] STREAM = ascii("stream");
    private static final byte[] STREAM_OPTIONS = ascii("stream_options");
    private static final byte[] INCLUDE_USAGE = ascii("include_usage");
    private static final byte[] USER = ascii("user");
    private static final byte[] MAX_COMPLETION_TOKENS = ascii("max_completion_tokens");
    private static final byte[] MAX_TOKENS = ascii("max_tokens");
    private static final byte[] TOOLS = ascii("tools");
    private static final byte[] FUNCTIONS = ascii("functions");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] TOOL_CALL_ID = ascii("tool_call_id");
    private static final byte[] TYPE = ascii("type");
    private static final byte[] TEXT = ascii("text");
    private static final byte[][] GATEWAY_FIELDS = ChatRequest.GATEWAY_FIELDS.stream().map(JsonScanner::ascii).toArray(byte[][]::new);

    /** The roles validation accepts, and their bytes; any other goes the object path, which names it. */
    private static final String[] ROLES = ChatRequest.ROLES.toArray(String[]::new);
    private static final byte[][] ROLE_BYTES = Arrays.stream(ROLES).map(JsonScanner::ascii).toArray(byte[][]::new);

    private final JsonScanner p;
    /** Whether to count the prompt's characters, as {@code RequestNeeds} estimates a prompt's size from them. */
    private final boolean sizing;
    private long promptChars;
    private int messageCount;
    /** The top-level fields and message fields read so far, one bit each: a repeat is left to the object path. */
    private int seen;
    private final List<String> userPartTypes = new ArrayList<>(0);
    private Supplier<Object> system;
    private Supplier<Object> firstUser;
    private boolean userFound;

    private RequestScan(JsonScanner p, boolean sizing) {
        this.p = p;
        this.sizing = sizing;
    }

    /**
     * The request, or null when it must be read the ordinary way.
     *
     * @param sizing whether to count the prompt's characters (see {@link ChatRequest#sizePrompt})
     */
    static ChatRequest read(Buffer body, boolean sizing) {
        BufferBytes bytes = BufferBytes.of(body);
        try {
            return new RequestScan(new JsonScanner(bytes.array(), bytes.offset(), bytes.length()), sizing)
                    .request(body, bytes.offset());
        } catch (JsonScanner.Unsure e) {
            return null;
        }
    }

    /** @param base where the body starts in the scanner's array */
    private ChatRequest request(Buffer body, int base) {
        expect(p.next(), Token.START_OBJECT);
        // Where the model's value lies; without one, where a model field would go: first in the object.
        int modelStart = p.offset() - base;
        int modelEnd = modelStart;
        String model = null;
        boolean stream = false, includeUsage = false, tools = false;
        String user = null;
        Long maxCompletionTokens = null, maxTokens = null;
        long toolsChars = "null".length(); // as an absent field is written
        while (p.next() == Token.NAME) {
            if (p.textIs(MODEL)) {
                once(0);
                Token t = p.next();
                modelEnd = p.offset() - base;
                if (t == Token.NULL) {
                    modelStart = modelEnd - "null".length();
                } else {
                    expect(t, Token.STRING);
                    JsonSpan value = p.text();
                    modelStart = value.start() - base;
                    model = (String) value.get();
                }
            } else if (p.textIs(MESSAGES)) {
                once(1);
                expect(p.next(), Token.START_ARRAY);
                messages();
            } else if (p.textIs(STREAM)) {
                once(2);
                Token t = p.next();
                if (t != Token.NULL) {
                    stream = bool(t);
                }
            } else if (p.textIs(STREAM_OPTIONS)) {
                once(3);
                Token t = p.next();
                if (t != Token.NULL) {
                    expect(t, Token.START_OBJECT);
                    includeUsage = includeUsage();
                }
            } else if (p.textIs(USER)) {
                once(4);
                user = p.next() == Token.STRING ? (String) p.text().get() : null;
            } else if (p.textIs(MAX_COMPLETION_TOKENS)) {
                once(5);
                maxCompletionTokens = p.next() == Token.NUMBER ? p.longValue() : null;
            } else if (p.textIs(MAX_TOKENS)) {
                once(6);
                maxTokens = p.next() == Token.NUMBER ? p.longValue() : null;
            } else if (p.textIs(TOOLS)) {
                once(7);
                Token t = p.next();
                if (sizing) {
                    toolsChars = encodedLength(t);
                    tools |= t == Token.START_ARRAY && toolsChars > 2;
                } else {
                    tools |= t == Token.START_ARRAY && nonEmpty();
                }
            } else if (p.textIs(FUNCTIONS)) {
                once(8);
                tools |= p.next() == Token.START_ARRAY && nonEmpty();
            } else {
                for (byte[] extra : GATEWAY_FIELDS) {
                    if (p.textIs(extra)) {
                        throw UNSURE; // to be stripped: the object path does it
                    }
                }
                p.next();
            }
            p.skipChildren();
        }
        if (messageCount == 0 || p.next() != null) {
            throw UNSURE;
        }
        Long output = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        long chars = tools && sizing ? promptChars + toolsChars : promptChars;
        RequestOutline outline = new RequestOutline(List.copyOf(userPartTypes), tools,
                output == null ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, output)), user, system, firstUser,
                chars, messageCount);
        return ChatRequest.scanned(body, model, modelStart, modelEnd, stream, stream && includeUsage, outline, sizing);
    }

    /** Every message must be an object with a known role (and a tool call id for a tool's answer), as validation asks. */
    private void messages() {
        for (Token t = p.next(); t != Token.END_ARRAY; t = p.next()) {
            expect(t, Token.START_OBJECT);
            message();
            messageCount++;
        }
        if (messageCount == 0) {
            throw UNSURE;
        }
    }

    private void message() {
        seen &= ~(0b111 << 9); // bits 9-11: this message's role, content and tool call id
        String role = null;
        boolean toolCallId = false;
        Supplier<Object> content = null;
        List<String> partTypes = List.of();
        while (p.next() == Token.NAME) {
            if (p.textIs(ROLE)) {
                once(9);
                expect(p.next(), Token.STRING);
                role = role();
            } else if (p.textIs(CONTENT)) {
                once(10);
                Token t = p.next();
                if (t == Token.STRING) {
                    content = p.text();
                    promptChars += sizing ? p.textChars() : 0;
                } else if (t == Token.START_ARRAY) {
                    int start = p.offset() - 1;
                    partTypes = parts();
                    content = new JsonSpan(p.bytes(), start, p.offset(), false);
                } else {
                    expect(t, Token.NULL);
                }
            } else if (p.textIs(TOOL_CALL_ID)) {
                once(11);
                toolCallId = p.next() == Token.STRING;
            } else {
                p.next();
            }
            p.skipChildren();
        }
        if (role == null || role.equals("tool") && !toolCallId) {
            throw UNSURE;
        }
        boolean user = role.equals("user");
        if (user) {
            userPartTypes.addAll(partTypes);
        }
        // As StickySessions reads a conversation: the first system prompt with content, then the first user message.
        if (userFound) {
            return;
        }
        if (system == null && (role.equals("system") || role.equals("developer"))) {
            system = content;
        } else if (user) {
            firstUser = content;
            userFound = true;
        }
    }

    /** The current string as one of the roles validation accepts. */
    private String role() {
        for (int i = 0; i < ROLES.length; i++) {
            if (p.textIs(ROLE_BYTES[i])) {
                return ROLES[i];
            }
        }
        throw UNSURE;
    }

    /** A content array's part types but {@code text}; a part's type must be a string if it has one. */
    private List<String> parts() {
        List<String> types = List.of();
        for (Token t = p.next(); t != Token.END_ARRAY; t = p.next()) {
            if (t != Token.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean type = false, text = false;
            while (p.next() == Token.NAME) {
                if (p.textIs(TYPE)) {
                    type = once(type);
                    Token v = p.next();
                    if (v == Token.STRING && !p.textIs(TEXT)) {
                        types = types.isEmpty() ? new ArrayList<>(2) : types;
                        types.add((String) p.text().get());
                    } else if (v != Token.STRING && v != Token.NULL) {
                        throw UNSURE;
                    }
                } else if (sizing && p.textIs(TEXT)) {
                    text = once(text);
                    promptChars += p.next() == Token.STRING ? p.textChars() : 0;
                } else {
                    p.next();
                }
                p.skipChildren();
            }
        }
        return types;
    }

    private boolean includeUsage() {
        boolean include = false, found = false;
        while (p.next() == Token.NAME) {
            if (p.textIs(INCLUDE_USAGE)) {
                found = once(found);
                include = p.next() == Token.TRUE;
            } else {
                p.next();
            }
            p.skipChildren();
        }
        return include;
    }

    /**
     * The length of the current value written as compact JSON, as {@code RequestNeeds} counts the tools (an escape
     * counts one); stands at its end. A key given twice counts twice here, once there: immaterial to an estimate.
     */
    private long encodedLength(Token t) {
        return switch (t) {
            case STRING -> p.textChars() + 2;
            case NUMBER -> p.integerLength();
            case TRUE, NULL -> 4;
            case FALSE -> 5;
            case START_OBJECT, START_ARRAY -> {
                long n = 2;
                int items = 0;
                for (Token v = p.next(); v != Token.END_OBJECT && v != Token.END_ARRAY; v = p.next()) {
                    if (v == Token.NAME) {
                        n += p.textChars() + 3;
                        v = p.next();
                    }
                    n += encodedLength(v);
                    items++;
                }
                yield n + Math.max(0, items - 1);
            }
            default -> throw UNSURE;
        };
    }

    /** After an array's start: whether it has an element; stands at its end either way. */
    private boolean nonEmpty() {
        Token t = p.next();
        if (t == Token.END_ARRAY) {
            return false;
        }
        p.skipChildren();
        while (p.next() != Token.END_ARRAY) {
            p.skipChildren();
        }
        return true;
    }

    private boolean bool(Token t) {
        if (t != Token.TRUE && t != Token.FALSE) {
            throw UNSURE;
        }
        return t == Token.TRUE;
    }

    private void once(int bit) {
        if ((seen & 1 << bit) != 0) {
            throw UNSURE;
        }
        seen |= 1 << bit;
    }

    private static boolean once(boolean seenBefore) {
        if (seenBefore) {
            throw UNSURE;
        }
        return true;
    }

    private static void expect(Token actual, Token wanted) {
        if (actual != wanted) {
            throw UNSURE;
        }
    }
}
