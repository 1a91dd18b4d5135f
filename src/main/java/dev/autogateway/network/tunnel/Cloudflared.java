package dev.autogateway.network.tunnel;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cloudflared "quick tunnel" (no Cloudflare account). cloudflared logs to stderr; the URL comes inside a banner box:
 * {@code 2024-05-02T10:00:01Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com  |}.
 */
final class Cloudflared implements Agent {
    /**
     * The original's pattern, minus {@code api.trycloudflare.com}: cloudflared names that host in its own error lines
     * ({@code failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": ...}), which the original
     * reported as the public URL.
     */
    private static final Pattern URL = Pattern.compile("https?://(?!api\\.)([a-z0-9-]+\\.trycloudflare\\.com)(?![\\w.-])",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ERROR = Pattern.compile("^\\S+\\s+(?:ERR|FTL)\\s+(.+)$");

    private final String binary;

    Cloudflared(String binary) {
        this.binary = binary;
    }

    @Override
    public String name() {
        return "cloudflared";
    }

    @Override
    public String binaryKey() {
        return "extra.tunnels.cloudflared_binary";
    }

    @Override
    public List<String> command(String host, int port) {
        return List.of(binary, "tunnel", "--url", "http://" + host + ":" + port);
    }

    @Override
    public Map<String, String> environment() {
        return Map.of();
    }

    @Override
    public List<String> secrets() {
        return List.of();
    }

    @Override
    public Optional<String> publicUrl(String line) {
        Matcher m = URL.matcher(line);
        return m.find() ? Optional.of("https://" + m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    @Override
    public Optional<String> error(String line) {
        Matcher m = ERROR.matcher(line);
        return m.matches() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }
}
