package dev.autogateway.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * A JSON log line built as UTF-8 bytes in a buffer its thread reuses: no strings, builders or encoders per line. Values
 * that are plain printable ASCII, as ids, model and provider names almost always are, are copied as they are; any
 * other is escaped by Jackson.
 */
final class LogLine {
    /** Netty's thread-local: an array slot on an event loop, where a {@link ThreadLocal} is a hash lookup. */
    private static final FastThreadLocal<LogLine> MINE = new FastThreadLocal<>() {
        @Override
        protected LogLine initialValue() {
            return new LogLine();
        }
    };
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private byte[] bytes = new byte[512];
    private int length;
    /** The second {@link #time} last formatted, and its text up to the seconds ({@code 2026-11-24T10:41:05}). */
    private long second = Long.MIN_VALUE;
    private String secondText;

    /** A field's name, encoded once with its quotes and colon. */
    static final class Name {
        private final byte[] quoted;

        Name(String name) {
            this.quoted = ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** This thread's line, emptied and opened. */
    static LogLine start() {
        LogLine l = MINE.get();
        l.length = 0;
        l.put('{');
        return l;
    }

    LogLine field(Name name, String value) {
        name(name);
        if (value == null) {
            return ascii("null");
        }
        put('"');
        if (isPlain(value)) {
            ascii(value);
        } else {
            byte[] quoted = QUOTE.quoteAsUTF8(value);
            ensure(quoted.length);
            System.arraycopy(quoted, 0, bytes, length, quoted.length);
            length += quoted.length;
        }
        put('"');
        return this;
    }

    LogLine field(Name name, long value) {
        name(name);
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return ascii(Long.toString(value));
            }
            put('-');
            value = -value;
        }
        ensure(19);
        int end = length + digits(value);
        for (int i = end - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length = end;
        return this;
    }

    private static int digits(long value) {
        int n = 1;
        while (value >= 10) {
            value /= 10;
            n++;
        }
        return n;
    }

    /**
     * An instant as UTC ISO-8601 with milliseconds ({@code "2026-11-24T10:41:05.123Z"}). The text up to the second is
     * formatted once per second and thread, not per line.
     */
    LogLine time(Name name, long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            second = s;
            secondText = DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC));
        }
        int ms = (int) Math.floorMod(epochMillis, 1000);
        name(name);
        put('"');
        ascii(secondText);
        put('.');
        put((char) ('0' + ms / 100));
        put((char) ('0' + ms / 10 % 10));
        put((char) ('0' + ms % 10));
        put('Z');
        put('"');
        return this;
    }

    LogLine field(Name name, boolean value) {
        name(name);
        return ascii(value ? "true" : "false");
    }

    LogLine end() {
        put('}');
        return this;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void name(Name name) {
        if (length > 1) {
            put(',');
        }
        ensure(name.quoted.length);
        System.arraycopy(name.quoted, 0, bytes, length, name.quoted.length);
        length += name.quoted.length;
    }

    private static boolean isPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Appends characters known to be printable ASCII needing no escape. */
    private LogLine ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[length++] = (byte) s.charAt(i);
        }
        return this;
    }

    private void put(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
