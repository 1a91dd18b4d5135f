package dev.autogateway.server;

import java.nio.charset.StandardCharsets;

/**
 * Response header values that hold something a client chose (its request id, a wildcard model's name, content part
 * types). The gateway runs with Vert.x's header validation off (see {@code cli.VertxProperties}), so these are made
 * safe here: a line break in one would otherwise split the response.
 */
final class HeaderValues {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderValues() {}

    /** Printable ASCII and spaces only: nothing a header line could be broken or mis-read by. */
    static boolean isSafe(CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** {@code v} itself when safe and without '%'; otherwise the other characters as percent-encoded UTF-8 bytes. */
    static String safe(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (!asIs(v.charAt(i))) {
                return encoded(v);
            }
        }
        return v;
    }

    private static String encoded(String v) {
        StringBuilder out = new StringBuilder(v.length() + 16);
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (asIs(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.toString();
    }

    /** Printable ASCII but '%', which marks an encoded byte. */
    private static boolean asIs(int c) {
        return c >= 0x20 && c <= 0x7E && c != '%';
    }
}
