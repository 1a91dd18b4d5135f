package dev.autogateway.network.tunnel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.autogateway.config.ConfigException;
import dev.autogateway.config.EnvRefs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code extra.tunnels}: where the tunnel agents are and how long to wait for their public URL.
 *
 * @param ngrokAuthtoken from {@code extra.tunnels.ngrok_authtoken}, else {@code NGROK_AUTHTOKEN}, else null (ngrok then
 *     uses the one in its own config file)
 * @param timeout how long an agent may take to print its public URL
 */
public record TunnelSettings(String cloudflaredBinary, String ngrokBinary, String ngrokAuthtoken, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    private static final String AT = "extra.tunnels";
    private static final Set<String> KEYS = Set.of("cloudflared_binary", "ngrok_binary", "ngrok_authtoken", "timeout");

    /** @throws ConfigException naming every bad key by its exact path */
    public static TunnelSettings parse(JsonNode extra, Map<String, String> env) {
        JsonNode t = extra == null ? null : extra.get("tunnels");
        if (t == null || t.isNull()) {
            t = JsonNodeFactory.instance.objectNode();
        }
        if (!t.isObject()) {
            throw new ConfigException(AT + ": must be an object");
        }
        List<String> problems = new ArrayList<>();
        t.fieldNames().forEachRemaining(k -> {
            if (!k.startsWith("_") && !KEYS.contains(k)) {
                problems.add(AT + "." + k + ": unknown key (known: cloudflared_binary, ngrok_binary, ngrok_authtoken, timeout)");
            }
        });
        String cloudflared = text(t, "cloudflared_binary", problems);
        String ngrok = text(t, "ngrok_binary", problems);
        String token = text(t, "ngrok_authtoken", problems);
        if (token != null) {
            try {
                token = new EnvRefs(env).expand(token);
            } catch (IllegalArgumentException e) {
                problems.add(AT + ".ngrok_authtoken: " + e.getMessage());
            }
        } else if (env.get("NGROK_AUTHTOKEN") != null && !env.get("NGROK_AUTHTOKEN").isEmpty()) {
            token = env.get("NGROK_AUTHTOKEN");
        }
        Duration timeout = timeout(t.get("timeout"), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new TunnelSettings(cloudflared == null ? "cloudflared" : cloudflared, ngrok == null ? "ngrok" : ngrok,
                token, timeout);
    }

    private static String text(JsonNode t, String key, List<String> problems) {
        JsonNode v = t.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add(AT + "." + key + ": must be a non-empty string");
            return null;
        }
        return v.asText();
    }

    private static Duration timeout(JsonNode v, List<String> problems) {
        if (v == null || v.isNull()) {
            return DEFAULT_TIMEOUT;
        }
        if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble()) || v.asDouble() > 3600) {
            problems.add(AT + ".timeout: must be a positive number of seconds (at most 3600), got " + v);
            return DEFAULT_TIMEOUT;
        }
        return Duration.ofMillis(Math.max(1, Math.round(v.asDouble() * 1000)));
    }

    /** Never the authtoken. */
    @Override
    public String toString() {
        return "TunnelSettings[cloudflaredBinary=" + cloudflaredBinary + ", ngrokBinary=" + ngrokBinary
                + ", ngrokAuthtoken=" + (ngrokAuthtoken == null ? "none" : "(set)") + ", timeout=" + timeout + "]";
    }
}
