package dev.autogateway.network.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autogateway.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TunnelSettingsTest {
    private static JsonNode extra(String json) throws Exception {
        return new ObjectMapper().readTree(json);
    }

    @Test
    void defaults_are_the_binaries_on_path_and_20_seconds() throws Exception {
        for (JsonNode e : new JsonNode[] {null, extra("{}"), extra("{\"tunnels\":null}"), extra("{\"tunnels\":{}}")}) {
            TunnelSettings s = TunnelSettings.parse(e, Map.of());
            assertThat(s).isEqualTo(new TunnelSettings("cloudflared", "ngrok", null, Duration.ofSeconds(20)));
        }
    }

    @Test
    void every_key_is_read() throws Exception {
        TunnelSettings s = TunnelSettings.parse(extra("{\"tunnels\":{\"cloudflared_binary\":\"/opt/cf\","
                + "\"ngrok_binary\":\"/opt/ngrok\",\"ngrok_authtoken\":\"tok\",\"timeout\":2.5,\"_comment\":\"ok\"}}"), Map.of());
        assertThat(s).isEqualTo(new TunnelSettings("/opt/cf", "/opt/ngrok", "tok", Duration.ofMillis(2500)));
    }

    @Test
    void authtoken_comes_from_the_config_then_NGROK_AUTHTOKEN_and_env_refs_are_expanded() throws Exception {
        assertThat(TunnelSettings.parse(extra("{}"), Map.of("NGROK_AUTHTOKEN", "from-env")).ngrokAuthtoken()).isEqualTo("from-env");
        assertThat(TunnelSettings.parse(extra("{\"tunnels\":{\"ngrok_authtoken\":\"from-config\"}}"),
                Map.of("NGROK_AUTHTOKEN", "from-env")).ngrokAuthtoken()).isEqualTo("from-config");
        assertThat(TunnelSettings.parse(extra("{\"tunnels\":{\"ngrok_authtoken\":\"${MY_NGROK}\"}}"),
                Map.of("MY_NGROK", "expanded")).ngrokAuthtoken()).isEqualTo("expanded");
        assertThatThrownBy(() -> TunnelSettings.parse(extra("{\"tunnels\":{\"ngrok_authtoken\":\"env:MY_NGROK\"}}"), Map.of()))
                .hasMessage("extra.tunnels.ngrok_authtoken: environment variable MY_NGROK is not set");
    }

    @Test
    void bad_keys_are_named_by_their_exact_path() throws Exception {
        assertThatThrownBy(() -> TunnelSettings.parse(extra("{\"tunnels\":{\"timeout\":0,\"cloudflared_binary\":\"\","
                + "\"ngrok_binary\":7,\"timout\":3}}"), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "extra.tunnels.timout: unknown key (known: cloudflared_binary, ngrok_binary, ngrok_authtoken, timeout)",
                        "extra.tunnels.cloudflared_binary: must be a non-empty string",
                        "extra.tunnels.ngrok_binary: must be a non-empty string",
                        "extra.tunnels.timeout: must be a positive number of seconds (at most 3600), got 0"));
        assertThatThrownBy(() -> TunnelSettings.parse(extra("{\"tunnels\":{\"timeout\":\"20s\"}}"), Map.of()))
                .hasMessage("extra.tunnels.timeout: must be a positive number of seconds (at most 3600), got \"20s\"");
        assertThatThrownBy(() -> TunnelSettings.parse(extra("{\"tunnels\":[]}"), Map.of()))
                .hasMessage("extra.tunnels: must be an object");
    }

    @Test
    void the_example_configs_tunnel_settings_are_the_defaults() throws Exception {
        JsonNode example = new ObjectMapper().readTree(Path.of("config.json.example").toFile());
        assertThat(TunnelSettings.parse(example.get("extra"), Map.of()))
                .isEqualTo(new TunnelSettings("cloudflared", "ngrok", null, Duration.ofSeconds(20)));
    }

    @Test
    void to_string_never_shows_the_authtoken() throws Exception {
        TunnelSettings s = TunnelSettings.parse(extra("{\"tunnels\":{\"ngrok_authtoken\":\"2abcSECRET\"}}"), Map.of());
        assertThat(s.toString()).doesNotContain("2abcSECRET").contains("ngrokAuthtoken=(set)");
    }
}
