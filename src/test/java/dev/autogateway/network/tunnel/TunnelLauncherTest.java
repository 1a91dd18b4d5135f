package dev.autogateway.network.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TunnelLauncherTest {
    private static GatewayConfig config(String server) {
        return ConfigLoader.parse("{\"server\":" + server + ",\"providers\":[{\"name\":\"e\",\"type\":\"echo\",\"models\":[\"echo\"]}]}",
                Map.of());
    }

    @Test
    void a_tunnel_without_server_api_key_is_refused() {
        assertThatThrownBy(() -> TunnelLauncher.of(config("{\"tunnel\":\"cloudflared\"}"), false, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.tunnel: cloudflared makes the gateway reachable from the internet and server.api_key is not"
                        + " set; set server.api_key, or pass --allow-public-without-auth to expose it anyway");
    }

    @Test
    void a_tunnel_without_server_api_key_is_allowed_with_the_override() {
        assertThat(TunnelLauncher.of(config("{\"tunnel\":\"ngrok\"}"), true, Map.of())).isNotNull();
    }

    @Test
    void a_tunnel_with_server_api_key_needs_no_override() {
        assertThat(TunnelLauncher.of(config("{\"tunnel\":\"ngrok\",\"api_key\":\"k\"}"), false, Map.of())).isNotNull();
    }

    @Test
    void a_tunnel_cannot_forward_to_a_unix_socket() {
        assertThatThrownBy(() -> TunnelLauncher.of(config("{\"tunnel\":\"ngrok\",\"api_key\":\"k\",\"socket_path\":\"/tmp/gw.sock\"}"),
                false, Map.of())).hasMessage("server.tunnel: ngrok forwards to a TCP port and cannot be used with server.socket_path");
    }

    @Test
    void no_tunnel_starts_nothing_and_needs_no_key() {
        Vertx vertx = Vertx.vertx();
        try {
            Tunnel t = TunnelLauncher.of(config("{}"), false, Map.of()).start(vertx, 8000).await();
            assertThat(t).isSameAs(Tunnel.NONE);
            assertThat(t.publicUrl()).isNull();
            t.stop().await();
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void bad_extra_tunnels_keys_are_refused_before_anything_starts() {
        GatewayConfig cfg = ConfigLoader.parse("{\"providers\":[{\"name\":\"e\",\"type\":\"echo\",\"models\":[\"echo\"]}],"
                + "\"extra\":{\"tunnels\":{\"timeout\":-1}}}", Map.of());
        assertThatThrownBy(() -> TunnelLauncher.of(cfg, false, Map.of()))
                .hasMessage("extra.tunnels.timeout: must be a positive number of seconds (at most 3600), got -1");
    }
}
