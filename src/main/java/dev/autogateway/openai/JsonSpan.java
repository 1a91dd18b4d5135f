package dev.autogateway.openai;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * One JSON value where it lies in a document the scanner has checked, {@code b[start, end)}, read when first asked
 * for, as the value a {@code JsonObject} would hold (a string, a {@code JsonArray}, ...): most requests never read
 * their long texts. {@code plain} marks a string without escapes, which is its bytes between the quotes.
 */
record JsonSpan(byte[] b, int start, int end, boolean plain) implements Supplier<Object> {
    @Override
    public Object get() {
        return plain ? new String(b, start + 1, end - start - 2, StandardCharsets.UTF_8) : JsonBodies.value(b, start, end - start);
    }
}
