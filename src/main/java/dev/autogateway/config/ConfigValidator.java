package dev.autogateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns the bound file into a {@link GatewayConfig}, collecting every problem with its exact path. */
final class ConfigValidator {
    static final Set<String> STRATEGIES = Set.of("sequential");
    static final Set<String> TUNNELS = Set.of("none", "ngrok", "cloudflared");
    static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

    private final EnvRefs env;
    private final List<String> problems = new ArrayList<>();

    ConfigValidator(EnvRefs env) {
        this.env = env;
    }

    GatewayConfig validate(ConfigFile file) {
        ServerConfig server = server(file.server() == null
                ? new ConfigFile.Server(null, null, null, null, null, null) : file.server());
        RouterConfig router = router(file.router() == null
                ? new ConfigFile.Router(null, null, null, null, null, null, null, null) : file.router());
        List<ProviderConfig> providers = providers(file.providers());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GatewayConfig(server, router, providers, file.extra());
    }

    private ServerConfig server(ConfigFile.Server s) {
        int port = s.port() == null ? 8000 : s.port();
        if (port < 0 || port > 65535) {
            problems.add("server.port: must be between 0 and 65535, got " + port);
        }
        String tunnel = s.tunnel() == null ? "none" : s.tunnel();
        if (!TUNNELS.contains(tunnel)) {
            problems.add("server.tunnel: must be one of none, ngrok, cloudflared, got '" + tunnel + "'");
        }
        long maxBody = s.maxBodyBytes() == null ? ServerConfig.DEFAULT_MAX_BODY_BYTES : s.maxBodyBytes();
        if (maxBody <= 0) {
            problems.add("server.max_body_bytes: must be positive");
        }
        List<String> keys = new ArrayList<>();
        JsonNode k = s.apiKey();
        if (k != null && !k.isNull()) {
            if (k.isTextual()) {
                addExpanded(keys, k.asText(), "server.api_key");
            } else if (k.isArray()) {
                for (int i = 0; i < k.size(); i++) {
                    if (k.get(i).isTextual()) {
                        addExpanded(keys, k.get(i).asText(), "server.api_key[" + i + "]");
                    } else {
                        problems.add("server.api_key[" + i + "]: must be a string");
                    }
                }
            } else {
                problems.add("server.api_key: must be a string or an array of strings");
            }
        }
        String host = s.host() == null ? "127.0.0.1" : s.host();
        return new ServerConfig(host, port, s.socketPath(), tunnel, List.copyOf(keys), maxBody);
    }

    private void addExpanded(List<String> keys, String raw, String path) {
        String v = expand(raw, path);
        if (v != null && v.isBlank()) {
            problems.add(path + ": must not be empty");
        } else if (v != null) {
            keys.add(v);
        }
    }

    private RouterConfig router(ConfigFile.Router r) {
        String strategy = r.strategy() == null ? "sequential" : r.strategy();
        if (!STRATEGIES.contains(strategy)) {
            problems.add("router.strategy: '" + strategy + "' is not available in this build (available: "
                    + String.join(", ", STRATEGIES) + ")");
        }
        int retries = r.retries() == null ? 1 : r.retries();
        if (retries < 0 || retries > 10) {
            problems.add("router.retries: must be between 0 and 10, got " + retries);
        }
        String unknown = r.unknownModels() == null ? "error" : r.unknownModels();
        if (!unknown.equals("error") && !unknown.equals("route_any")) {
            problems.add("router.unknown_models: must be 'error' or 'route_any', got '" + unknown + "'");
        }
        return new RouterConfig(
                strategy,
                retries,
                seconds(r.timeout(), 60, "router.timeout"),
                seconds(r.connectTimeout(), 5, "router.connect_timeout"),
                seconds(r.firstByteTimeout(), 10, "router.first_byte_timeout"),
                seconds(r.idleTimeout(), 10, "router.idle_timeout"),
                seconds(r.authCooldown(), 60, "router.auth_cooldown"),
                unknown.equals("route_any"));
    }

    private long seconds(Double value, double dflt, String path) {
        double v = value == null ? dflt : value;
        if (!(v > 0) || v > 86_400) {
            problems.add(path + ": must be a number of seconds between 0 and 86400 (exclusive of 0), got " + v);
            return 1;
        }
        return Math.max(1, Math.round(v * 1000));
    }

    private List<ProviderConfig> providers(List<ConfigFile.Provider> raw) {
        if (raw == null || raw.isEmpty()) {
            problems.add("providers: must list at least one provider");
            return List.of();
        }
        List<ProviderConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String path = "providers[" + i + "]";
            ConfigFile.Provider p = raw.get(i);
            if (p == null) {
                problems.add(path + ": must be an object");
                continue;
            }
            if (p.name() == null || p.name().isBlank()) {
                problems.add(path + ".name: is required");
            } else if (p.name().contains("/") || p.name().contains(",")) {
                problems.add(path + ".name: must not contain '/' or ',' (they separate model strings)");
            } else if (!names.add(p.name().toLowerCase(Locale.ROOT))) {
                problems.add(path + ".name: '" + p.name() + "' is used by another provider");
            }
            ProviderType type = provideType(p.type(), path);
            URI baseUrl = baseUrl(p, type, path);
            List<ApiKey> keys = keys(p.apiKey(), path + ".api_key");
            List<ModelSpec> models = models(p.models(), path + ".models");
            JsonObject extraBody = new JsonObject();
            if (p.extraBody() != null && !p.extraBody().isNull()) {
                if (p.extraBody().isObject()) {
                    extraBody = new JsonObject(p.extraBody().toString());
                } else {
                    problems.add(path + ".extra_body: must be an object");
                }
            }
            long delay = p.delayMs() == null ? 0 : p.delayMs();
            if (delay < 0) {
                problems.add(path + ".delay_ms: must not be negative");
            }
            if (type == ProviderType.GOOGLE && keys.stream().allMatch(k -> k.value() == null)) {
                problems.add(path + ".api_key: is required for type 'google'");
            }
            out.add(new ProviderConfig(p.name(), type, baseUrl, keys, models, extraBody, delay));
        }
        return List.copyOf(out);
    }

    private ProviderType provideType(String type, String path) {
        if (type == null) {
            problems.add(path + ".type: is required (one of " + ProviderType.names() + ")");
            return null;
        }
        ProviderType t = ProviderType.fromConfig(type);
        if (t == null) {
            problems.add(path + ".type: unknown provider type '" + type + "' (one of " + ProviderType.names() + ")");
        } else if (t == ProviderType.GOOGLE) {
            problems.add(path + ".type: 'google' is not available in this build yet");
        }
        return t;
    }

    private URI baseUrl(ConfigFile.Provider p, ProviderType type, String path) {
        if (type != ProviderType.OPENAI_COMPATIBLE && p.baseUrl() == null) {
            return null;
        }
        String raw = p.baseUrl() == null ? DEFAULT_OPENAI_BASE_URL : expand(p.baseUrl(), path + ".base_url");
        if (raw == null) {
            return null;
        }
        try {
            URI uri = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                problems.add(path + ".base_url: must be an absolute http:// or https:// URL, got '" + raw + "'");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problems.add(path + ".base_url: is not a valid URL: " + e.getReason());
            return null;
        }
    }

    private List<ApiKey> keys(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of(ApiKey.none());
        }
        List<ApiKey> keys = new ArrayList<>();
        if (node.isTextual()) {
            key(keys, null, node.asText(), path);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isTextual()) {
                    key(keys, null, node.get(i).asText(), path + "[" + i + "]");
                } else {
                    problems.add(path + "[" + i + "]: must be a string");
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getValue().isTextual()) {
                    key(keys, e.getKey(), e.getValue().asText(), path + "." + e.getKey());
                } else {
                    problems.add(path + "." + e.getKey() + ": must be a string");
                }
            }
        } else {
            problems.add(path + ": must be a string, an array of strings or an object of alias to key");
        }
        if (keys.isEmpty() && problems.stream().noneMatch(pr -> pr.startsWith(path))) {
            problems.add(path + ": must not be empty");
        }
        return List.copyOf(keys);
    }

    private void key(List<ApiKey> keys, String alias, String raw, String path) {
        String v = expand(raw, path);
        if (v == null) {
            return;
        }
        if (v.isBlank()) {
            problems.add(path + ": must not be empty");
            return;
        }
        keys.add(ApiKey.of(alias, v));
    }

    private List<ModelSpec> models(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            problems.add(path + ": is required (an object of model name to features, or an array of names)");
            return List.of();
        }
        List<ModelSpec> models = new ArrayList<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                if (node.get(i).isTextual() && !node.get(i).asText().isBlank()) {
                    models.add(new ModelSpec(node.get(i).asText(), Set.of()));
                } else {
                    problems.add(path + "[" + i + "]: must be a non-empty model name");
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                models.add(new ModelSpec(e.getKey(), features(e.getValue(), path + "." + e.getKey())));
            }
        } else {
            problems.add(path + ": must be an object of model name to features, or an array of names");
            return List.of();
        }
        if (models.isEmpty()) {
            problems.add(path + ": must not be empty");
        }
        return List.copyOf(models);
    }

    private Set<String> features(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Set.of();
        }
        if (!node.isArray()) {
            problems.add(path + ": must be an array of features (" + String.join(", ", ModelSpec.KNOWN_FEATURES) + ")");
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String f = node.get(i).asText().toLowerCase(Locale.ROOT);
            if (!ModelSpec.KNOWN_FEATURES.contains(f)) {
                problems.add(path + "[" + i + "]: unknown feature '" + node.get(i).asText() + "' (known: "
                        + String.join(", ", ModelSpec.KNOWN_FEATURES) + ")");
            }
            out.add(f);
        }
        return Set.copyOf(out);
    }

    private String expand(String raw, String path) {
        try {
            return env.expand(raw);
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }
}
