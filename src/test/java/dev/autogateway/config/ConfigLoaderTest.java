package dev.autogateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-from-env", "BASE", "http://127.0.0.1:9");

    private static GatewayConfig parse(String json) {
        return ConfigLoader.parse(json, ENV);
    }

    private static String problem(String json) {
        try {
            parse(json);
        } catch (ConfigException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("expected a config error");
    }

    @Test
    void fills_the_seeds_defaults() {
        GatewayConfig c = parse("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\",\"models\":[\"m\"]}]}");
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8000);
        assertThat(c.server().tunnel()).isEqualTo("none");
        assertThat(c.server().apiKeys()).isEmpty();
        assertThat(c.server().maxBodyBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(c.router().strategy()).isEqualTo("sequential");
        assertThat(c.router().retries()).isEqualTo(1);
        assertThat(c.router().timeoutMs()).isEqualTo(60_000);
        assertThat(c.router().routeUnknownModels()).isFalse();
        assertThat(c.providers().get(0).baseUrl().toString()).isEqualTo("https://api.openai.com/v1");
        assertThat(c.providers().get(0).keys()).containsExactly(ApiKey.none());
    }

    @Test
    void reads_api_keys_as_string_list_or_aliases_and_expands_environment_references() {
        GatewayConfig c = parse("""
            {"server":{"api_key":["k1","${OPENAI_API_KEY}"]},
             "providers":[
              {"name":"a","type":"openai_compatible","api_key":"${OPENAI_API_KEY}","models":{"m":["vision"]}},
              {"name":"b","type":"openai_compatible","api_key":["x","env:OPENAI_API_KEY"],"models":["m"]},
              {"name":"c","type":"openai_compatible","base_url":"${BASE}/v1/","api_key":{"main":"y","backup":"z"},"models":["m"]}]}""");
        assertThat(c.server().apiKeys()).containsExactly("k1", "sk-from-env");
        assertThat(c.providers().get(0).keys()).extracting(ApiKey::value).containsExactly("sk-from-env");
        assertThat(c.providers().get(1).keys()).extracting(ApiKey::value).containsExactly("x", "sk-from-env");
        assertThat(c.providers().get(2).keys()).extracting(ApiKey::alias).containsExactly("main", "backup");
        assertThat(c.providers().get(2).baseUrl().toString()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(c.providers().get(0).models().get(0).features()).containsExactly("vision");
    }

    @Test
    void drops_the_line_break_a_key_read_from_a_file_ends_with() {
        GatewayConfig c = ConfigLoader.parse("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\","
                + "\"api_key\":\"${FILE_KEY}\",\"models\":[\"m\"]}]}", Map.of("FILE_KEY", "sk-from-file\n"));
        assertThat(c.providers().get(0).keys()).extracting(ApiKey::value).containsExactly("sk-from-file");
    }

    @Test
    void reads_the_gateways_own_keys_by_the_same_rule() {
        // Clients send "Authorization: Bearer <key>": a key kept with its file's newline could never match.
        GatewayConfig c = ConfigLoader.parse("{\"server\":{\"api_key\":[\"${GW_KEY}\",\" gw-2 \"]},"
                + "\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}",
                Map.of("GW_KEY", "gw-from-file\n"));
        assertThat(c.server().apiKeys()).containsExactly("gw-from-file", "gw-2");
        assertThat(problem("{\"server\":{\"api_key\":\"gw secret\"},\"providers\":[{\"name\":\"a\",\"type\":\"echo\","
                + "\"models\":[\"m\"]}]}"))
                .isEqualTo("server.api_key: must be printable ASCII with no spaces or line breaks (it is sent in an HTTP header)")
                .doesNotContain("gw secret");
        assertThat(problem("{\"server\":{\"api_key\":[\"ok\",\" \\n\"]},\"providers\":[{\"name\":\"a\",\"type\":\"echo\","
                + "\"models\":[\"m\"]}]}")).isEqualTo("server.api_key[1]: must not be empty");
    }

    @Test
    void rejects_a_key_that_cannot_go_in_an_http_header_without_echoing_it() {
        // The key is sent as "Authorization: Bearer <key>": a line break inside it would add a header of its own.
        String p = problem("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\","
                + "\"api_key\":{\"main\":\"sk-secret\\r\\nX-Evil: 1\"},\"models\":[\"m\"]}]}");
        assertThat(p).isEqualTo("providers[0].api_key.main: must be printable ASCII with no spaces or line breaks"
                + " (it is sent in an HTTP header)");
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\","
                + "\"api_key\":[\"sk ok\"],\"models\":[\"m\"]}]}")).startsWith("providers[0].api_key[0]: must be printable ASCII")
                .doesNotContain("sk ok");
    }

    @Test
    void refuses_a_provider_name_that_cannot_go_in_its_response_header() {
        assertThat(problem("{\"providers\":[{\"name\":\"a\\r\\nX-Evil: 1\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .isEqualTo("providers[0].name: must be printable ASCII (it is sent in the x-gateway-provider header)");
        assertThat(parse("{\"providers\":[{\"name\":\"my provider (eu)\",\"type\":\"echo\",\"models\":[\"m\"]}]}")
                .providers().get(0).name()).isEqualTo("my provider (eu)");
    }

    @Test
    void key_fingerprints_never_contain_the_key() {
        ApiKey k = ApiKey.of("main", "sk-secret-value-1234567890");
        assertThat(k.fingerprint()).doesNotContain("sk-").hasSize(13);
        assertThat(k.toString()).doesNotContain("secret");
        assertThat(ApiKey.of(null, "sk-secret-value-1234567890").fingerprint()).isEqualTo(k.fingerprint());
    }

    @Test
    void names_a_missing_environment_variable_with_its_field() {
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\",\"api_key\":\"${NOPE_KEY}\",\"models\":[\"m\"]}]}"))
                .isEqualTo("providers[0].api_key: environment variable NOPE_KEY is not set");
    }

    @Test
    void names_the_exact_path_of_every_problem() {
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\",\"models\":[\"m\"]},"
                + "{\"name\":\"b\",\"type\":\"openai_compatible\",\"models\":{}}]}"))
                .isEqualTo("providers[1].models: must not be empty");
        assertThat(problem("{\"providers\":[]}")).isEqualTo("providers: must list at least one provider");
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"nope\",\"models\":[\"m\"]}]}"))
                .startsWith("providers[0].type: unknown provider type 'nope'");
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\",\"base_url\":\"ftp://x\",\"models\":[\"m\"]}]}"))
                .startsWith("providers[0].base_url: must be an absolute http:// or https:// URL");
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\",\"models\":{\"m\":[\"telepathy\"]}}]}"))
                .startsWith("providers[0].models.m[0]: unknown feature 'telepathy'");
        assertThat(problem("{\"router\":{\"strategy\":\"random\"},\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .startsWith("router.strategy: 'random' is not available");
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]},{\"name\":\"A\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .isEqualTo("providers[1].name: 'A' is used by another provider");
        assertThat(problem("{\"server\":{\"port\":70000},\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .isEqualTo("server.port: must be between 0 and 65535, got 70000");
    }

    @Test
    void reports_every_problem_at_once() {
        assertThat(problem("{\"server\":{\"tunnel\":\"vpn\"},\"router\":{\"retries\":-1},\"providers\":[{\"type\":\"echo\",\"models\":[]}]}").split("\n"))
                .containsExactly(
                        "server.tunnel: must be one of none, ngrok, cloudflared, got 'vpn'",
                        "router.retries: must be between 0 and 10, got -1",
                        "providers[0].name: is required",
                        "providers[0].models: must not be empty");
    }

    @Test
    void names_unknown_keys_and_wrong_types_by_path() {
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"bse_url\":\"x\",\"models\":[\"m\"]}]}"))
                .startsWith("providers[0].bse_url: unknown key");
        assertThat(problem("{\"server\":{\"port\":\"8000\"},\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .isEqualTo("server.port: must be an integer");
        assertThat(problem("{\"router\":{\"timeout\":\"soon\"},\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .isEqualTo("router.timeout: must be a number");
        assertThat(problem("{\"providers\":{\"name\":\"a\"}}")).isEqualTo("providers: must be an array");
        assertThat(problem("{\"providers\": [")).startsWith("config is not valid JSON");
    }

    @Test
    void converts_router_seconds_to_milliseconds() {
        GatewayConfig c = parse("{\"router\":{\"timeout\":2.5,\"connect_timeout\":0.2,\"first_byte_timeout\":3,\"idle_timeout\":4,"
                + "\"auth_cooldown\":30,\"unknown_models\":\"route_any\"},\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}");
        assertThat(c.router().timeoutMs()).isEqualTo(2500);
        assertThat(c.router().connectTimeoutMs()).isEqualTo(200);
        assertThat(c.router().firstByteTimeoutMs()).isEqualTo(3000);
        assertThat(c.router().idleTimeoutMs()).isEqualTo(4000);
        assertThat(c.router().authCooldownMs()).isEqualTo(30_000);
        assertThat(c.router().routeUnknownModels()).isTrue();
    }

    @Test
    void reads_failover_settings_and_model_objects() {
        GatewayConfig c = parse("""
            {"router":{"retry_after_cap":3,"attempt_timeout":7,"quota_cooldown":90,"circuit_failures":3,"circuit_reset":20,
               "stream_recovery":false,"fallbacks":{"big":["small"]},"context_window_fallbacks":{"small":["big"]}},
             "providers":[{"name":"a","type":"echo","models":{"big":{"features":["prefill"],"fallbacks":["small"],
               "context_window":128000,"max_output_tokens":4096},"small":["vision"]}}]}""");
        RouterConfig r = c.router();
        assertThat(r.retryAfterCapMs()).isEqualTo(3_000);
        assertThat(r.attemptTimeoutMs()).isEqualTo(7_000);
        assertThat(r.quotaCooldownMs()).isEqualTo(90_000);
        assertThat(r.circuitFailures()).isEqualTo(3);
        assertThat(r.circuitResetMs()).isEqualTo(20_000);
        assertThat(r.streamRecovery()).isFalse();
        assertThat(r.fallbacks()).containsEntry("big", java.util.List.of("small"));
        assertThat(r.contextWindowFallbacks()).containsEntry("small", java.util.List.of("big"));
        ModelSpec big = c.providers().get(0).models().get(0);
        assertThat(big.features()).containsExactly("prefill");
        assertThat(big.fallbacks()).containsExactly("small");
        assertThat(big.contextWindow()).isEqualTo(128000);
        assertThat(big.maxOutputTokens()).isEqualTo(4096);
    }

    @Test
    void refuses_fallbacks_to_models_nobody_serves() {
        assertThat(problem("{\"router\":{\"fallbacks\":{\"m\":[\"ghost\"]}},\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":[\"m\"]}]}"))
                .isEqualTo("router.fallbacks.m[0]: model 'ghost' is not served by any provider");
        assertThat(problem("{\"providers\":[{\"name\":\"a\",\"type\":\"echo\",\"models\":{\"m\":{\"fallbacks\":[\"ghost\"],\"size\":1}}}]}").split("\n"))
                .containsExactly("providers[0].models.m.size: unknown key (known keys: features, fallbacks, context_window, max_output_tokens)",
                        "providers[0].models.m.fallbacks[0]: model 'ghost' is not served by any provider");
    }

    @Test
    void zero_config_serves_echo_without_a_key_and_openai_with_one() {
        GatewayConfig echo = ZeroConfig.fromEnv(Map.of());
        assertThat(echo.providers()).singleElement().satisfies(p -> assertThat(p.type()).isEqualTo(ProviderType.ECHO));
        assertThat(ZeroConfig.isEchoOnly(echo)).isTrue();

        GatewayConfig openai = ZeroConfig.fromEnv(Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_BASE_URL", "http://127.0.0.1:1/v1"));
        ProviderConfig p = openai.providers().get(0);
        assertThat(p.type()).isEqualTo(ProviderType.OPENAI_COMPATIBLE);
        assertThat(p.keys()).extracting(ApiKey::value).containsExactly("sk-x");
        assertThat(p.baseUrl().toString()).isEqualTo("http://127.0.0.1:1/v1");
        assertThat(ZeroConfig.isEchoOnly(openai)).isFalse();
    }

    @Test
    void the_shipped_example_and_docker_configs_are_valid() {
        assertThat(ConfigLoader.load(java.nio.file.Path.of("config.json.example"),
                Map.of("OPENAI_API_KEY", "a", "OPENROUTER_API_KEY", "b", "GROQ_API_KEY", "c", "OPENAI_API_KEY_2", "d",
                        "GEMINI_API_KEY", "e")).providers())
                .isNotEmpty();
        assertThat(ConfigLoader.load(java.nio.file.Path.of("conf/config.json"), Map.of()).providers()).isNotEmpty();
    }
}
