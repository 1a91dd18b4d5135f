package dev.autogateway.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One upstream credential. {@code value} is null for providers that need no key. The fingerprint is what
 * logs, metrics and persisted state use: a key, or any prefix of it, never leaves the process.
 */
public record ApiKey(String alias, String value, String fingerprint) {

    public static ApiKey of(String alias, String value) {
        return new ApiKey(alias, value, fingerprint(value));
    }

    public static ApiKey none() {
        return of(null, null);
    }

    static String fingerprint(String value) {
        if (value == null) {
            return "nokey";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "k" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return alias == null ? fingerprint : alias + "(" + fingerprint + ")";
    }
}
