package dev.autogateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Turns the bound file into a {@link GatewayConfig}, collecting every problem with its exact path. */
final class ConfigValidator {
    static final List<String> STRATEGIES = List.of("sequential", "adaptive", "bandit");
    static final String DEFAULT_PERSISTENCE_PATH = "~/.auto-gateway/adaptive-state.json";
    /** Not the original's 1.5: see {@code BanditStrategy} and docs/routing.md. */
    static final double DEFAULT_BANDIT_EXPLORATION = 0.2;
    static final Set<String> TUNNELS = Set.of("none", "ngrok", "cloudflared");
    static final List<String> MODEL_KEYS = List.of("features", "fallbacks", "context_window", "max_output_tokens");
    static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
    static final String DEFAULT_GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com";
    /** v1beta, not the SDK 2.0 default v1: some model aliases (gemini-flash-latest, ...) exist only there. */
    static final String DEFAULT_GOOGLE_API_VERSION = "v1beta";
    static final int DEFAULT_GOOGLE_WORKERS = 32;
    private static final java.util.regex.Pattern API_VERSION = java.util.regex.Pattern.compile("v[0-9]+[a-z0-9]*");

    private final EnvRefs env;
    private final List<String> problems = new ArrayList<>();

    ConfigValidator(EnvRefs env) {
        this.env = env;
    }

    GatewayConfig validate(ConfigFile file) {
        ServerConfig server = server(file.server() == null
                ? new ConfigFile.Server(null, null, null, null, null, null, null, null, null) : file.server());
        RouterConfig router = router(file.router() == null
                ? new ConfigFile.Router(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, null)
                : file.router());
        List<ProviderConfig> providers = providers(file.providers());
        checkFallbacks(router, providers);
        ClusterConfig cluster = cluster(file.cluster() == null ? new ConfigFile.Cluster(null, null, null, null, null) : file.cluster());
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GatewayConfig(server, router, providers, cluster, file.extra());
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
        if (s.socketMode() != null && !s.socketMode().matches("[r-][w-][x-][r-][w-][x-][r-][w-][x-]")) {
            problems.add("server.socket_mode: must be permissions like rw-rw----, got '" + s.socketMode() + "'");
        }
        if (s.socketPath() != null && s.socketPath().isBlank()) {
            problems.add("server.socket_path: must not be empty");
        }
        return new ServerConfig(host, port, s.socketPath(), s.socketMode(), tunnel, List.copyOf(keys), maxBody,
                seconds(s.drainTimeout(), 30, "server.drain_timeout"), reloadInterval(s.reloadInterval()));
    }

    private void addExpanded(List<String> keys, String raw, String path) {
        String v = secret(raw, path);
        if (v != null) {
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
        int circuitFailures = r.circuitFailures() == null ? 5 : r.circuitFailures();
        if (circuitFailures < 1 || circuitFailures > 1000) {
            problems.add("router.circuit_failures: must be between 1 and 1000, got " + circuitFailures);
        }
        String unknown = r.unknownModels() == null ? "error" : r.unknownModels();
        if (!unknown.equals("error") && !unknown.equals("route_any")) {
            problems.add("router.unknown_models: must be 'error' or 'route_any', got '" + unknown + "'");
        }
        long authCooldown = seconds(r.authCooldown(), 60, "router.auth_cooldown");
        long quotaCooldown = seconds(r.quotaCooldown(), 600, "router.quota_cooldown");
        return new RouterConfig(
                strategy,
                retries,
                seconds(r.timeout(), 60, "router.timeout"),
                seconds(r.connectTimeout(), 5, "router.connect_timeout"),
                seconds(r.firstByteTimeout(), 10, "router.first_byte_timeout"),
                seconds(r.idleTimeout(), 10, "router.idle_timeout"),
                seconds(r.attemptTimeout(), 30, "router.attempt_timeout"),
                seconds(r.retryAfterCap(), 10, "router.retry_after_cap"),
                authCooldown,
                quotaCooldown,
                circuitFailures,
                seconds(r.circuitReset(), 15, "router.circuit_reset"),
                r.streamRecovery() == null || r.streamRecovery(),
                modelLists(r.fallbacks(), "router.fallbacks"),
                modelLists(r.contextWindowFallbacks(), "router.context_window_fallbacks"),
                unknown.equals("route_any"),
                r.sticky() == null || r.sticky(),
                names(r.preferModels(), "router.prefer_models"),
                names(r.avoidModels(), "router.avoid_models"),
                persistencePath(r.persistencePath(), strategy),
                banditExploration(r.banditExploration()),
                halfLife(r.banditHalfLife()),
                seconds(r.probeInterval(), 30, "router.probe_interval"),
                backoff(r, strategy, authCooldown, quotaCooldown));
    }

    private List<String> names(List<String> raw, String path) {
        if (raw == null) {
            return List.of();
        }
        for (int i = 0; i < raw.size(); i++) {
            if (raw.get(i) == null || raw.get(i).isBlank()) {
                problems.add(path + "[" + i + "]: must be a model name");
            }
        }
        return raw.stream().filter(n -> n != null && !n.isBlank()).toList();
    }

    /**
     * The learning strategies keep their state across restarts by default; {@code sequential} has none worth keeping
     * unless a path is given. An empty path turns saving off.
     */
    private static String persistencePath(String raw, String strategy) {
        String path = raw != null ? raw.trim() : strategy.equals("sequential") ? "" : DEFAULT_PERSISTENCE_PATH;
        if (path.isEmpty()) {
            return null;
        }
        return path.equals("~") || path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    private long halfLife(Double raw) {
        double s = raw == null ? 60 : raw;
        if (!(s >= 0) || s > 86_400) {
            problems.add("router.bandit_half_life: must be a number of seconds between 0 and 86400, got " + s);
            return 60_000;
        }
        return Math.round(s * 1000);
    }

    private double banditExploration(Double raw) {
        double c = raw == null ? DEFAULT_BANDIT_EXPLORATION : raw;
        if (!(c >= 0) || c > 100) {
            problems.add("router.bandit_exploration: must be between 0 and 100, got " + c);
            return DEFAULT_BANDIT_EXPLORATION;
        }
        return c;
    }

    /**
     * {@code router.backoff}: per failure class, {@code {"initial": s, "max": s, "multiplier": x}}, each field
     * optional; {@code "initial": 0} turns the class's backoff off. Defaults: the original's delays for the learning
     * strategies; for {@code sequential}, rests for rate limits and bad keys only ({@code auth_cooldown} and
     * {@code quota_cooldown}, which, when given, also fix the auth and quota rests of the learning strategies).
     */
    private Map<String, Backoff> backoff(ConfigFile.Router r, String strategy, long authCooldown, long quotaCooldown) {
        boolean sequential = strategy.equals("sequential");
        Map<String, Backoff> out = new LinkedHashMap<>(sequential
                ? Backoff.failover(authCooldown, quotaCooldown) : Backoff.original());
        if (!sequential && r.authCooldown() != null) {
            out.put("auth", Backoff.fixed(authCooldown));
        }
        if (!sequential && r.quotaCooldown() != null) {
            out.put("quota", Backoff.fixed(quotaCooldown));
        }
        JsonNode node = r.backoff();
        if (node == null || node.isNull()) {
            return Map.copyOf(out);
        }
        if (!node.isObject()) {
            problems.add("router.backoff: must be an object of failure class to {initial, max, multiplier}");
            return Map.copyOf(out);
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String cls = e.getKey();
            String path = "router.backoff." + cls;
            if (cls.startsWith("_")) {
                continue;
            }
            if (!Backoff.CLASSES.contains(cls)) {
                problems.add(path + ": unknown failure class (known: " + String.join(", ", Backoff.CLASSES) + ")");
                continue;
            }
            if (!e.getValue().isObject()) {
                problems.add(path + ": must be an object {initial, max, multiplier}");
                continue;
            }
            Backoff base = out.get(cls);
            long initial = base.initialMs();
            long max = base.maxMs();
            double multiplier = base.multiplier();
            for (Map.Entry<String, JsonNode> f : e.getValue().properties()) {
                JsonNode v = f.getValue();
                String fpath = path + "." + f.getKey();
                if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 86_400) {
                    problems.add(fpath + ": must be a number between 0 and 86400");
                    continue;
                }
                switch (f.getKey()) {
                    case "initial" -> initial = Math.round(v.asDouble() * 1000);
                    case "max" -> max = Math.round(v.asDouble() * 1000);
                    case "multiplier" -> {
                        if (v.asDouble() < 1 || v.asDouble() > 10) {
                            problems.add(fpath + ": must be between 1 and 10");
                        } else {
                            multiplier = v.asDouble();
                        }
                    }
                    default -> problems.add(fpath + ": unknown key (known keys: initial, max, multiplier)");
                }
            }
            if (initial > 0 && max < initial) {
                problems.add(path + ".max: must not be less than initial");
            }
            out.put(cls, new Backoff(initial, Math.max(initial, max), multiplier, base.jitter()));
        }
        return Map.copyOf(out);
    }

    private ClusterConfig cluster(ConfigFile.Cluster c) {
        String host = c.host() == null ? "127.0.0.1" : c.host();
        int port = c.port() == null ? 5701 : c.port();
        if (port < 1 || port > 65535) {
            problems.add("cluster.port: must be between 1 and 65535, got " + port);
        }
        List<String> members = c.members() == null ? List.of(host + ":" + port) : c.members();
        for (int i = 0; i < members.size(); i++) {
            String m = members.get(i);
            if (m == null || !m.matches("[^\\s:]+:\\d{1,5}")) {
                problems.add("cluster.members[" + i + "]: must be host:port, got '" + m + "'");
            }
        }
        String name = c.name() == null ? "auto-gateway" : c.name();
        if (name.isBlank()) {
            problems.add("cluster.name: must not be empty");
        }
        return new ClusterConfig(Boolean.TRUE.equals(c.enabled()), name, host, port, List.copyOf(members));
    }

    private Map<String, List<String>> modelLists(Map<String, List<String>> raw, String path) {
        if (raw == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        raw.forEach((model, list) -> {
            if (list == null || list.isEmpty() || list.stream().anyMatch(m -> m == null || m.isBlank())) {
                problems.add(path + "." + model + ": must be a non-empty array of model names");
            } else {
                out.put(model, List.copyOf(list));
            }
        });
        return Map.copyOf(out);
    }

    /** Every model a fallback list names must be served by some provider, or the fallback could never help. */
    private void checkFallbacks(RouterConfig router, List<ProviderConfig> providers) {
        checkServed(router.fallbacks(), "router.fallbacks", providers);
        checkServed(router.contextWindowFallbacks(), "router.context_window_fallbacks", providers);
        for (int i = 0; i < providers.size(); i++) {
            for (ModelSpec m : providers.get(i).models()) {
                for (int j = 0; j < m.fallbacks().size(); j++) {
                    checkServed(m.fallbacks().get(j), "providers[" + i + "].models." + m.name() + ".fallbacks[" + j + "]", providers);
                }
            }
        }
    }

    private void checkServed(Map<String, List<String>> lists, String path, List<ProviderConfig> providers) {
        lists.forEach((model, list) -> {
            for (int i = 0; i < list.size(); i++) {
                checkServed(list.get(i), path + "." + model + "[" + i + "]", providers);
            }
        });
    }

    private void checkServed(String model, String path, List<ProviderConfig> providers) {
        boolean served = providers.stream().flatMap(p -> p.models().stream())
                .anyMatch(m -> m.wildcard() || m.name().equalsIgnoreCase(model));
        if (!served) {
            problems.add(path + ": model '" + model + "' is not served by any provider");
        }
    }

    /** 0 turns the file watch off (SIGHUP still reloads). */
    private long reloadInterval(Double seconds) {
        return seconds != null && seconds == 0 ? 0 : seconds(seconds, 2, "server.reload_interval");
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
            } else if (!p.name().chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                problems.add(path + ".name: must be printable ASCII (it is sent in the x-gateway-provider header)");
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
            String apiVersion = googleOnly(p.apiVersion(), type, path + ".api_version");
            if (type == ProviderType.GOOGLE) {
                apiVersion = apiVersion == null ? DEFAULT_GOOGLE_API_VERSION : apiVersion;
                if (!API_VERSION.matcher(apiVersion).matches()) {
                    problems.add(path + ".api_version: must look like v1, v1beta or v1alpha, got '" + apiVersion + "'");
                }
                checkGoogleBaseUrl(baseUrl, path + ".base_url");
            }
            Integer workers = googleOnly(p.workers(), type, path + ".workers");
            if (workers != null && (workers < 1 || workers > 1024)) {
                problems.add(path + ".workers: must be between 1 and 1024, got " + workers);
            }
            int poolSize = type != ProviderType.GOOGLE ? 0 : workers == null ? DEFAULT_GOOGLE_WORKERS : workers;
            Integer instances = googleOnly(p.instances(), type, path + ".instances");
            if (instances != null && (instances < 1 || instances > 256)) {
                problems.add(path + ".instances: must be between 1 and 256, got " + instances);
            }
            out.add(new ProviderConfig(p.name(), type, baseUrl, keys, models, extraBody, delay, apiVersion, poolSize,
                    instances == null ? 0 : instances));
        }
        return List.copyOf(out);
    }

    /** A key that only the {@code google} type reads: refused elsewhere so a typo in the type does not go unnoticed. */
    private <T> T googleOnly(T value, ProviderType type, String path) {
        if (value != null && type != null && type != ProviderType.GOOGLE) {
            problems.add(path + ": only applies to type 'google'");
            return null;
        }
        return value;
    }

    /** The SDK appends {@code /{api_version}/models/...} itself, so a version in the URL would be doubled. */
    private void checkGoogleBaseUrl(URI baseUrl, String path) {
        if (baseUrl != null && baseUrl.getPath() != null && baseUrl.getPath().matches(".*/v[0-9]+[a-z0-9]*/?")) {
            problems.add(path + ": must not end with an API version (give it as api_version), got '" + baseUrl + "'");
        }
    }

    private ProviderType provideType(String type, String path) {
        if (type == null) {
            problems.add(path + ".type: is required (one of " + ProviderType.names() + ")");
            return null;
        }
        ProviderType t = ProviderType.fromConfig(type);
        if (t == null) {
            problems.add(path + ".type: unknown provider type '" + type + "' (one of " + ProviderType.names() + ")");
        }
        return t;
    }

    private URI baseUrl(ConfigFile.Provider p, ProviderType type, String path) {
        if (type != ProviderType.OPENAI_COMPATIBLE && type != ProviderType.GOOGLE && p.baseUrl() == null) {
            return null;
        }
        String dflt = type == ProviderType.GOOGLE ? DEFAULT_GOOGLE_BASE_URL : DEFAULT_OPENAI_BASE_URL;
        String raw = p.baseUrl() == null ? dflt : expand(p.baseUrl(), path + ".base_url");
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
        String v = secret(raw, path);
        if (v != null) {
            keys.add(ApiKey.of(alias, v));
        }
    }

    /**
     * A key (the gateway's or a provider's) with its variables expanded, or null after noting what is wrong with it.
     * Keys travel in an HTTP header, {@code Authorization: Bearer <key>}.
     */
    private String secret(String raw, String path) {
        String v = expand(raw, path);
        if (v == null) {
            return null;
        }
        // A key read from a file or a secret often ends in a newline: that is not part of the key.
        v = v.strip();
        if (v.isEmpty()) {
            problems.add(path + ": must not be empty");
            return null;
        }
        if (!v.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            // Never echo the key: only what is wrong with it.
            problems.add(path + ": must be printable ASCII with no spaces or line breaks (it is sent in an HTTP header)");
            return null;
        }
        return v;
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
                    models.add(ModelSpec.named(node.get(i).asText()));
                } else {
                    problems.add(path + "[" + i + "]: must be a non-empty model name");
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                models.add(model(e.getKey(), e.getValue(), path + "." + e.getKey()));
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

    /** A model's value: its features as an array, or an object with features, fallbacks and size limits. */
    private ModelSpec model(String name, JsonNode value, String path) {
        if (value == null || !value.isObject()) {
            return new ModelSpec(name, features(value, path), List.of(), 0, 0);
        }
        for (Map.Entry<String, JsonNode> f : value.properties()) {
            if (!MODEL_KEYS.contains(f.getKey())) {
                problems.add(path + "." + f.getKey() + ": unknown key (known keys: " + String.join(", ", MODEL_KEYS) + ")");
            }
        }
        List<String> fallbacks = new ArrayList<>();
        JsonNode fb = value.get("fallbacks");
        if (fb != null && !fb.isNull()) {
            if (fb.isArray() && fb.size() > 0) {
                fb.forEach(m -> fallbacks.add(m.asText()));
            } else {
                problems.add(path + ".fallbacks: must be a non-empty array of model names");
            }
        }
        return new ModelSpec(name, features(value.get("features"), path + ".features"), List.copyOf(fallbacks),
                positiveInt(value.get("context_window"), path + ".context_window"),
                positiveInt(value.get("max_output_tokens"), path + ".max_output_tokens"));
    }

    private int positiveInt(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            problems.add(path + ": must be a positive integer");
            return 0;
        }
        return n.asInt();
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
