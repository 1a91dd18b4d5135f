package dev.autogateway.network.tunnel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ngrok agent (v3), logging JSON lines to stdout. The URL comes in
 * {@code {"lvl":"info","msg":"started tunnel","name":"command_line","url":"https://x.ngrok-free.app",...}}.
 */
final class Ngrok implements Agent {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ERROR_LEVELS = Set.of("eror", "crit");

    private final String binary;
    private final String authtoken;

    /** @param authtoken null to let ngrok use the one in its own config file */
    Ngrok(String binary, String authtoken) {
        this.binary = binary;
        this.authtoken = authtoken;
    }

    @Override
    public String name() {
        return "ngrok";
    }

    @Override
    public String binaryKey() {
        return "extra.tunnels.ngrok_binary";
    }

    @Override
    public List<String> command(String host, int port) {
        return List.of(binary, "http", host + ":" + port, "--log", "stdout", "--log-format", "json");
    }

    /** The authtoken goes in the environment: a command line is visible to every user of the machine. */
    @Override
    public Map<String, String> environment() {
        return authtoken == null ? Map.of() : Map.of("NGROK_AUTHTOKEN", authtoken);
    }

    @Override
    public List<String> secrets() {
        return authtoken == null ? List.of() : List.of(authtoken);
    }

    @Override
    public Optional<String> publicUrl(String line) {
        JsonNode n = parse(line);
        String url = n.path("url").asText("");
        // ngrok v2 started an http:// twin of every https:// tunnel; only the https one is worth publishing.
        return "started tunnel".equals(n.path("msg").asText()) && url.startsWith("https://")
                ? Optional.of(url) : Optional.empty();
    }

    /** The {@code err} of a failed command's {@code crit} line; ngrok's human "ERROR:" lines repeat it piecemeal. */
    @Override
    public Optional<String> error(String line) {
        JsonNode n = parse(line);
        if (!ERROR_LEVELS.contains(n.path("lvl").asText())) {
            return Optional.empty();
        }
        String err = n.path("err").asText(n.path("msg").asText(""));
        return err.isBlank() ? Optional.empty() : Optional.of(err.replaceAll("\\s+", " ").trim());
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return JSON.missingNode();
        }
        try {
            JsonNode n = JSON.readTree(line);
            return n == null ? JSON.missingNode() : n;
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }
}
