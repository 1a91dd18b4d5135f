package dev.autogateway.openai;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A strict pull tokenizer over the UTF-8 bytes of one JSON document (RFC 8259: no comments, no trailing commas, no
 * leading zeros, valid UTF-8, one top-level value), which neither decodes nor allocates: names and strings are
 * compared as raw bytes, and a string is decoded only when its reader asks ({@link #text}). It exists for
 * {@link CompletionScan}, which reads every upstream answer, and {@link RequestScan}, every request; Jackson's parser,
 * canonicalising every field name, cost the first twice as much (1.31 against 0.66 µs for a 635-byte answer).
 *
 * <p>Anything it will not vouch for, malformed or merely unusual (an escaped field name, a fractional token count,
 * nesting over 64), throws {@link Unsure}: its caller then reads the document the ordinary way. So it may refuse
 * what Jackson accepts, never the reverse.
 */
final class JsonScanner {
    enum Token { START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY, NAME, STRING, NUMBER, TRUE, FALSE, NULL }

    /** Thrown for any document this scanner does not vouch for: one shared instance, without a stack trace. */
    static final class Unsure extends RuntimeException {
        private Unsure() {
            super("not a document the scanner vouches for", null, false, false);
        }
    }

    static final Unsure UNSURE = new Unsure();

    private static final int MAX_DEPTH = 64;
    /**
     * What Jackson refuses by default must not pass here either: whoever builds the document later (a request's
     * fields, built on first use) gets it from Jackson. Counting bytes, never fewer than characters, errs on the safe side.
     */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.defaults();
    private static final int MAX_STRING_BYTES = LIMITS.getMaxStringLength();
    private static final int MAX_NAME_BYTES = LIMITS.getMaxNameLength();
    private static final int MAX_NUMBER_CHARS = LIMITS.getMaxNumberLength();
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    /** The bytes a string holds as they are: printable ASCII but the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    /**
     * Eight bytes of a string at a time: an answer's text is most of its bytes (2,570-byte answer: 1.60 -> 1.32 µs a
     * scan; the benchmark's 635-byte one unchanged). Byte order is irrelevant to the test.
     */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** What the grammar allows next. */
    private enum Expect { VALUE, FIRST_NAME, FIRST_VALUE, AFTER_VALUE }

    private final byte[] b;
    private final int end;
    private int pos;
    private final boolean[] inObject = new boolean[MAX_DEPTH];
    private int depth;
    private Expect expect = Expect.VALUE;
    private Token current;
    /** The current name, string (without its quotes) or number. */
    private int textStart;
    private int textEnd;
    private boolean escaped;
    private boolean integral;

    JsonScanner(byte[] json) {
        this(json, 0, json.length);
    }

    /** The document in {@code json[from, from + length)}. */
    JsonScanner(byte[] json, int from, int length) {
        this.b = json;
        this.pos = from;
        this.end = from + length;
    }

    /** @return the next token, or null once the top-level value is complete and only whitespace follows */
    Token next() {
        int c = skipWhitespace();
        current = switch (expect) {
            case VALUE -> value(c);
            case FIRST_NAME -> c == '}' ? close() : name(c);
            case FIRST_VALUE -> c == ']' ? close() : value(c);
            case AFTER_VALUE -> afterValue(c);
        };
        return current;
    }

    /** An ASCII name's bytes, to compare with {@link #textIs}. */
    static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** After {@link Token#START_OBJECT} or {@link Token#START_ARRAY}, moves to its matching end; otherwise nothing. */
    void skipChildren() {
        if (current == Token.START_OBJECT || current == Token.START_ARRAY) {
            int outside = depth - 1;
            while (depth > outside) {
                next();
            }
        }
    }

    /** Whether the current name or string is exactly these (ASCII) bytes. */
    boolean textIs(byte[] ascii) {
        int n = textEnd - textStart;
        if (n != ascii.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[textStart + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /** The current string, where it lies in the document: decoded only if someone reads it. */
    JsonSpan text() {
        return new JsonSpan(b, textStart - 1, textEnd + 1, !escaped);
    }

    /** The document's bytes, for a {@link JsonSpan} of a value the caller skipped through. */
    byte[] bytes() {
        return b;
    }

    /** Where the scanner stands: just past the current token. */
    int offset() {
        return pos;
    }

    /** The current string's length in bytes as sent: 0 exactly when it is empty. */
    int textLength() {
        return textEnd - textStart;
    }

    /**
     * The current string's or name's length once decoded, in UTF-16 units as {@link String#length} counts them: an
     * escape is one (a character outside the BMP is two escapes), a UTF-8 sequence one, or two for four bytes.
     */
    int textChars() {
        int n = 0;
        for (int i = textStart; i < textEnd; i++) {
            int c = b[i] & 0xFF;
            if (c == '\\') {
                i += b[i + 1] == 'u' ? 5 : 1;
                n++;
            } else if ((c & 0xC0) != 0x80) {
                n += c >= 0xF0 ? 2 : 1;
            }
        }
        return n;
    }

    /** The current number's length as {@link String#valueOf} writes the integer it holds: its digits as sent. */
    int integerLength() {
        int n = textEnd - textStart;
        // A fraction or exponent is written otherwise once read as a double, and -0 as 0.
        if (!integral || n == 2 && b[textStart] == '-' && b[textStart + 1] == '0') {
            throw UNSURE;
        }
        return n;
    }

    /** The current number, which must be an integer that fits in a long. */
    long longValue() {
        int i = textStart;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        if (!integral || textEnd - i > 18) {
            throw UNSURE;
        }
        long v = 0;
        for (; i < textEnd; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return negative ? -v : v;
    }

    private Token afterValue(int c) {
        if (depth == 0) {
            if (c != -1) {
                throw UNSURE;
            }
            return null;
        }
        boolean object = inObject[depth - 1];
        if (c == ',') {
            pos++;
            c = skipWhitespace();
            return object ? name(c) : value(c);
        }
        if (c != (object ? '}' : ']')) {
            throw UNSURE;
        }
        return close();
    }

    private Token close() {
        pos++;
        depth--;
        expect = Expect.AFTER_VALUE;
        return inObject[depth] ? Token.END_OBJECT : Token.END_ARRAY;
    }

    private Token open(boolean object) {
        if (depth == MAX_DEPTH) {
            throw UNSURE;
        }
        inObject[depth++] = object;
        pos++;
        expect = object ? Expect.FIRST_NAME : Expect.FIRST_VALUE;
        return object ? Token.START_OBJECT : Token.START_ARRAY;
    }

    private Token name(int c) {
        // An escaped name could spell one the caller looks for: not worth decoding, no upstream sends one.
        if (c != '"' || string() || textEnd - textStart > MAX_NAME_BYTES) {
            throw UNSURE;
        }
        if (skipWhitespace() != ':') {
            throw UNSURE;
        }
        pos++;
        expect = Expect.VALUE;
        return Token.NAME;
    }

    private Token value(int c) {
        Token t = switch (c) {
            case '{' -> open(true);
            case '[' -> open(false);
            case '"' -> {
                escaped = string();
                yield Token.STRING;
            }
            case 't' -> literal(TRUE, Token.TRUE);
            case 'f' -> literal(FALSE, Token.FALSE);
            case 'n' -> literal(NULL, Token.NULL);
            default -> number(c);
        };
        if (t != Token.START_OBJECT && t != Token.START_ARRAY) {
            expect = Expect.AFTER_VALUE;
        }
        return t;
    }

    private Token literal(byte[] word, Token t) {
        if (end - pos < word.length) {
            throw UNSURE;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[pos + i] != word[i]) {
                throw UNSURE;
            }
        }
        pos += word.length;
        return t;
    }

    private Token number(int c) {
        int i = pos;
        if (c == '-') {
            i++;
        }
        if (i < end && b[i] == '0') {
            i++;
        } else {
            i = digits(i);
        }
        integral = true;
        if (i < end && b[i] == '.') {
            i = digits(i + 1);
            integral = false;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            i = digits(i);
            integral = false;
        }
        if (i - pos > MAX_NUMBER_CHARS) {
            throw UNSURE;
        }
        textStart = pos;
        textEnd = i;
        pos = i;
        return Token.NUMBER;
    }

    /** At least one digit from {@code i}; returns the index after the last. */
    private int digits(int i) {
        int start = i;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == start) {
            throw UNSURE;
        }
        return i;
    }

    /** Reads the string that starts at {@code pos}; returns whether it holds an escape. */
    private boolean string() {
        boolean escaped = false;
        int i = pos + 1;
        // Names and most values end within a few bytes, where groups of eight cost more than they save.
        int limit = Math.min(end, i + 16);
        while (i < limit && PLAIN[b[i] & 0xFF]) {
            i++;
        }
        if (i == limit) {
            i = skipPlain(i);
        }
        while (i < end) {
            int c = b[i];
            if (PLAIN[c & 0xFF]) {
                i++;
                continue;
            }
            if (c == '"') {
                if (i - pos - 1 > MAX_STRING_BYTES) {
                    throw UNSURE;
                }
                textStart = pos + 1;
                textEnd = i;
                pos = i + 1;
                return escaped;
            }
            if (c == '\\') {
                escaped = true;
                i = skipPlain(escape(i + 1));
            } else if (c < 0) {
                i = skipPlain(utf8(i));
            } else {
                throw UNSURE;
            }
        }
        throw UNSURE;
    }

    /** From {@code i}, past whole groups of eight plain bytes: stops at the group that holds any other byte. */
    private int skipPlain(int i) {
        while (end - i >= 8 && plain((long) LONGS.get(b, i))) {
            i += 8;
        }
        return i;
    }

    /**
     * Whether none of the eight bytes is a control, a quote, a backslash or non-ASCII. The classic zero-byte and
     * less-than tests: a borrow may flag a byte next to one that matches, never miss one, and a flag only sends the
     * group to the byte-by-byte loop.
     */
    private static boolean plain(long x) {
        long quote = x ^ ('"' * ONES);
        long backslash = x ^ ('\\' * ONES);
        long flags = ((x - 0x20 * ONES) & ~x) | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | x;
        return (flags & HIGHS) == 0;
    }

    private int escape(int i) {
        if (i >= end) {
            throw UNSURE;
        }
        switch (b[i]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 1;
            }
            case 'u' -> {
                if (end - i < 5) {
                    throw UNSURE;
                }
                for (int k = i + 1; k <= i + 4; k++) {
                    if (Character.digit(b[k], 16) < 0) {
                        throw UNSURE;
                    }
                }
                return i + 5;
            }
            default -> throw UNSURE;
        }
    }

    /** One multi-byte UTF-8 sequence starting at {@code i}, well-formed (no overlongs, no surrogates, up to U+10FFFF). */
    private int utf8(int i) {
        int lead = b[i] & 0xFF;
        int more;
        int min = 0x80;
        int max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            more = 2;
            min = lead == 0xE0 ? 0xA0 : 0x80;
            max = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            more = 3;
            min = lead == 0xF0 ? 0x90 : 0x80;
            max = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            throw UNSURE;
        }
        if (end - i <= more) {
            throw UNSURE;
        }
        int second = b[i + 1] & 0xFF;
        if (second < min || second > max) {
            throw UNSURE;
        }
        for (int k = i + 2; k <= i + more; k++) {
            if ((b[k] & 0xC0) != 0x80) {
                throw UNSURE;
            }
        }
        return i + more + 1;
    }

    /** The next byte that is not JSON whitespace, without consuming it; -1 at the end. */
    private int skipWhitespace() {
        while (pos < end) {
            int c = b[pos] & 0xFF;
            if (c > ' ' || c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
            pos++;
        }
        return -1;
    }
}
