package dev.autogateway.network.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TunnelUrlParsingTest {
    private final Cloudflared cloudflared = new Cloudflared("cloudflared");
    private final Ngrok ngrok = new Ngrok("ngrok", "2abcTOKEN");

    @Test
    void cloudflared_url_is_found_in_its_banner_box_and_nowhere_else_in_the_banner() {
        List<Optional<String>> found = FakeAgent.CLOUDFLARED_BANNER.lines().map(cloudflared::publicUrl).toList();
        assertThat(found.stream().flatMap(Optional::stream)).containsExactly(FakeAgent.CLOUDFLARED_URL);
    }

    @Test
    void cloudflared_url_parsing_matches_the_originals_test_line() {
        assertThat(cloudflared.publicUrl("https://abc123.trycloudflare.com (http://127.0.0.1:8000)"))
                .contains("https://abc123.trycloudflare.com");
        assertThat(cloudflared.publicUrl("see http://Quiet-Lake-42.TryCloudflare.com/")).contains("https://quiet-lake-42.trycloudflare.com");
    }

    @Test
    void cloudflared_api_host_in_an_error_line_is_not_a_public_url() {
        String line = "2024-05-02T10:00:01Z ERR failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\":"
                + " dial tcp: lookup api.trycloudflare.com: no such host";
        assertThat(cloudflared.publicUrl(line)).isEmpty();
        assertThat(cloudflared.error(line)).contains("failed to request quick Tunnel: Post \"https://api.trycloudflare.com/tunnel\":"
                + " dial tcp: lookup api.trycloudflare.com: no such host");
    }

    @Test
    void cloudflared_lookalike_hosts_are_not_public_urls() {
        assertThat(cloudflared.publicUrl("https://trycloudflare.com")).isEmpty();
        assertThat(cloudflared.publicUrl("https://x.trycloudflare.com.attacker.example")).isEmpty();
        assertThat(cloudflared.publicUrl("https://a.b.trycloudflare.community")).isEmpty();
        assertThat(cloudflared.publicUrl("Requesting new quick Tunnel on trycloudflare.com...")).isEmpty();
    }

    @Test
    void cloudflared_info_lines_are_not_errors() {
        assertThat(FakeAgent.CLOUDFLARED_BANNER.lines().map(cloudflared::error).flatMap(Optional::stream)).isEmpty();
    }

    @Test
    void ngrok_url_is_the_https_url_of_the_started_tunnel_line() {
        assertThat(ngrok.publicUrl("{\"addr\":\"http://127.0.0.1:8000\",\"lvl\":\"info\",\"msg\":\"started tunnel\","
                + "\"name\":\"command_line\",\"obj\":\"tunnels\",\"t\":\"2024-05-02T10:00:01.5+00:00\","
                + "\"url\":\"https://1a2b-203-0-113-7.ngrok-free.app\"}")).contains("https://1a2b-203-0-113-7.ngrok-free.app");
    }

    @Test
    void ngrok_noise_http_twins_and_garbage_give_no_url() {
        assertThat(ngrok.publicUrl("{\"lvl\":\"info\",\"msg\":\"starting web service\",\"obj\":\"web\",\"addr\":\"127.0.0.1:4040\","
                + "\"url\":\"http://127.0.0.1:4040\"}")).isEmpty();
        assertThat(ngrok.publicUrl("{\"lvl\":\"info\",\"msg\":\"started tunnel\",\"url\":\"http://1a2b.ngrok-free.app\"}")).isEmpty();
        assertThat(ngrok.publicUrl("t=2024-05-02 lvl=info msg=\"started tunnel\" url=https://1a2b.ngrok-free.app")).isEmpty();
        assertThat(ngrok.publicUrl("{\"msg\":\"started tunnel\",\"url\":")).isEmpty();
        assertThat(ngrok.publicUrl("{}")).isEmpty();
        assertThat(ngrok.publicUrl("")).isEmpty();
    }

    @Test
    void ngrok_error_is_the_err_of_a_crit_line_on_one_line() {
        String crit = "{\"err\":\"authentication failed: Your account is suspended.\\r\\n\\r\\nERR_NGROK_107\\r\\n\","
                + "\"lvl\":\"crit\",\"msg\":\"command failed\",\"t\":\"2024-05-02T10:00:01+00:00\"}";
        assertThat(ngrok.error(crit)).contains("authentication failed: Your account is suspended. ERR_NGROK_107");
        assertThat(ngrok.error("{\"lvl\":\"info\",\"msg\":\"open config file\",\"err\":null}")).isEmpty();
        assertThat(ngrok.error("ERROR:  ERR_NGROK_107")).isEmpty();
    }

    @Test
    void ngrok_gets_its_authtoken_in_the_environment_never_on_the_command_line() {
        assertThat(ngrok.command("127.0.0.1", 8000))
                .containsExactly("ngrok", "http", "127.0.0.1:8000", "--log", "stdout", "--log-format", "json")
                .noneMatch(a -> a.contains("2abcTOKEN"));
        assertThat(ngrok.environment()).containsEntry("NGROK_AUTHTOKEN", "2abcTOKEN");
        assertThat(new Ngrok("ngrok", null).environment()).isEmpty();
    }

    @Test
    void cloudflared_is_pointed_at_the_gateways_local_address() {
        assertThat(cloudflared.command("127.0.0.1", 8123)).containsExactly("cloudflared", "tunnel", "--url", "http://127.0.0.1:8123");
        assertThat(TunnelLauncher.localHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(TunnelLauncher.localHost("::")).isEqualTo("127.0.0.1");
        assertThat(TunnelLauncher.localHost("::1")).isEqualTo("[::1]");
        assertThat(TunnelLauncher.localHost("192.0.2.10")).isEqualTo("192.0.2.10");
    }
}
