package dev.autogateway.routing;

import dev.autogateway.openai.ChatRequest;
import dev.autogateway.openai.RequestOutline;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which target each conversation last went to, so its next request goes there too while that target stays healthy:
 * providers cache a conversation's prompt prefix per backend, and a conversation that hops loses the cache.
 * Bindings idle for an hour are dropped; the table holds at most {@value #MAX_SESSIONS} conversations.
 */
public final class StickySessions {
    public static final String HEADER = "x-session-id";
    static final long IDLE_MS = 3_600_000;
    static final int MAX_SESSIONS = 100_000;

    static final int SAMPLE_CHARS = 256;
    /** One digest per thread, reused: looking one up by name costs more than hashing a short conversation key. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private record Binding(String targetId, long usedMs) {}

    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

    /**
     * A conversation's key: the {@code x-session-id} header, else the {@code user} field, else a hash of the system
     * prompt and the first user message (which stay the same while a conversation grows; see {@link #sample}). Null
     * when there is nothing to key on.
     */
    public static String keyOf(String header, ChatRequest chat) {
        if (header != null && !header.isBlank()) {
            return "h:" + header.trim();
        }
        RequestOutline outline = chat.outline();
        if (outline != null) {
            return keyOf(outline.user(), outline.system() == null ? null : outline.system().get(),
                    outline.firstUser() == null ? null : outline.firstUser().get());
        }
        JsonObject fields = chat.fields();
        Object system = null;
        Object firstUser = null;
        JsonArray messages = fields.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
        for (Object o : messages) {
            if (o instanceof JsonObject m) {
                Object role = m.getValue("role");
                if (system == null && ("system".equals(role) || "developer".equals(role))) {
                    system = m.getValue("content");
                } else if ("user".equals(role)) {
                    firstUser = m.getValue("content");
                    break;
                }
            }
        }
        return keyOf(fields.getValue("user") instanceof String user ? user : null, system, firstUser);
    }

    /** The key from the {@code user} field, else the system prompt's and first user message's contents. */
    private static String keyOf(String user, Object system, Object firstUser) {
        if (user != null && !user.isBlank()) {
            return "u:" + user;
        }
        if (firstUser == null) {
            return null;
        }
        String systemText = text(system);
        String userText = text(firstUser);
        // The thread's digest is shared by every key made on it: start it clean whatever the last use left.
        MessageDigest d = SHA_256.get();
        d.reset();
        sample(d, systemText);
        sample(d, userText);
        return "c:" + HexFormat.of().formatHex(d.digest(), 0, 12);
    }

    /**
     * Feeds a text's length and at most {@value #SAMPLE_CHARS} characters from each end to the digest. An agent's
     * system prompt runs to tens of kilobytes, and hashing all of it cost about 1 µs per kilobyte on every request;
     * two conversations whose texts differ only in the middle share a binding, which only means the same target.
     */
    private static void sample(MessageDigest d, String text) {
        int n = text.length();
        for (int shift = 24; shift >= 0; shift -= 8) {
            d.update((byte) (n >>> shift));
        }
        if (n <= 2 * SAMPLE_CHARS) {
            d.update(text.getBytes(StandardCharsets.UTF_8));
        } else {
            d.update(text.substring(0, SAMPLE_CHARS).getBytes(StandardCharsets.UTF_8));
            d.update(text.substring(n - SAMPLE_CHARS).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A message's text: images and files are left out, so a large inline image is not hashed on the event loop. */
    private static String text(Object content) {
        if (!(content instanceof JsonArray parts)) {
            return String.valueOf(content);
        }
        StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof JsonObject part) {
                out.append(part.getValue("text") instanceof String t ? t : "[" + part.getValue("type") + "]").append('\n');
            }
        }
        return out.toString();
    }

    /** The target the session is bound to, or null. */
    String target(String session, long now) {
        Binding b = bindings.get(session);
        return b == null || now - b.usedMs() > IDLE_MS ? null : b.targetId();
    }

    void bind(String session, String targetId, long now) {
        if (bindings.size() >= MAX_SESSIONS && !bindings.containsKey(session)) {
            sweep(now);
            if (bindings.size() >= MAX_SESSIONS) {
                // Still full of live sessions: forget them all rather than grow without bound; they rebind at once.
                bindings.clear();
            }
        }
        bindings.put(session, new Binding(targetId, now));
    }

    /** Drops idle bindings. */
    public void sweep(long now) {
        bindings.values().removeIf(b -> now - b.usedMs() > IDLE_MS);
    }

    public int size() {
        return bindings.size();
    }
}
