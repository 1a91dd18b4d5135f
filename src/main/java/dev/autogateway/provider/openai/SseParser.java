package dev.autogateway.provider.openai;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits an SSE byte stream into events' {@code data} payloads (several {@code data:} lines of one event are
 * joined with a newline, as the SSE spec says). Accepts LF and CRLF line ends; ignores comments and other fields.
 */
final class SseParser {
    static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final Consumer<String> onData;
    private Buffer pending = Buffer.buffer();
    private StringBuilder data;

    SseParser(Consumer<String> onData) {
        this.onData = onData;
    }

    void feed(Buffer chunk) {
        // What is pending holds no line end (it was scanned before): look only at the new bytes, so a long line
        // that arrives in many pieces costs linear time, not quadratic.
        int from = pending.length();
        pending = from == 0 ? chunk : pending.appendBuffer(chunk);
        int start = 0;
        int len = pending.length();
        for (int i = from; i < len; i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                line(pending.getString(start, end, StandardCharsets.UTF_8.name()));
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, len);
        if (pending.length() > MAX_EVENT_BYTES) {
            throw new IllegalStateException("an SSE line exceeded " + MAX_EVENT_BYTES + " bytes");
        }
    }

    /** Flushes an event the upstream did not terminate with a blank line before closing. */
    void finish() {
        if (pending.length() > 0) {
            line(pending.toString(StandardCharsets.UTF_8));
            pending = Buffer.buffer();
        }
        line("");
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                String payload = data.toString();
                data = null;
                onData.accept(payload);
            }
        } else if (line.startsWith("data:")) {
            String value = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
            if (data.length() > MAX_EVENT_BYTES) {
                throw new IllegalStateException("an SSE event exceeded " + MAX_EVENT_BYTES + " bytes");
            }
        }
    }
}
