package dev.autogateway.network.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tunnels run against fake agents: shell scripts printing what cloudflared and ngrok print. No network. */
class TunnelProcessTest {
    private static final int PORT = 18123;
    private static final String TOKEN = "2fakeNgrokAuthtoken0123456789abcdef";
    private static Vertx vertx;

    @TempDir
    Path dir;

    private LogCapture logs;
    private Tunnel tunnel;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void close() {
        vertx.close().await();
    }

    @BeforeEach
    void captureLogs() {
        logs = new LogCapture();
    }

    @AfterEach
    void stopTunnel() {
        if (tunnel != null) {
            tunnel.stop().await();
        }
        logs.close();
    }

    /** A gateway config with an API key, the given tunnel kind and {@code extra.tunnels}. */
    private static GatewayConfig config(String kind, JsonObject tunnels) {
        return ConfigLoader.parse(new JsonObject()
                .put("server", new JsonObject().put("api_key", "gw-key").put("tunnel", kind))
                .put("providers", new JsonArray().add(new JsonObject().put("name", "e").put("type", "echo")
                        .put("models", new JsonArray().add("echo"))))
                .put("extra", new JsonObject().put("tunnels", tunnels)).encode(), Map.of());
    }

    private Tunnel startCloudflared(FakeAgent agent, double timeoutSeconds) {
        return TunnelLauncher.of(config("cloudflared", new JsonObject().put("cloudflared_binary", agent.binary.toString())
                .put("timeout", timeoutSeconds)), false, Map.of()).start(vertx, PORT).await();
    }

    private Tunnel startNgrok(FakeAgent agent, Map<String, String> env) {
        return TunnelLauncher.of(config("ngrok", new JsonObject().put("ngrok_binary", agent.binary.toString()).put("timeout", 5)),
                false, env).start(vertx, PORT).await();
    }

    private Throwable failureOf(Runnable start) {
        Throwable t = catchThrowable(start::run);
        assertThat(t).isInstanceOf(TunnelException.class);
        return t;
    }

    @Test
    void cloudflared_url_is_read_from_its_banner_and_stop_ends_the_whole_process_tree() throws Exception {
        FakeAgent agent = FakeAgent.cloudflared(dir);
        tunnel = startCloudflared(agent, 5);

        assertThat(tunnel.publicUrl()).isEqualTo(FakeAgent.CLOUDFLARED_URL);
        assertThat(agent.args()).containsExactly("tunnel", "--url", "http://127.0.0.1:" + PORT);
        assertThat(logs.lines()).contains("INFO public URL: " + FakeAgent.CLOUDFLARED_URL
                + " (cloudflared tunnel to http://127.0.0.1:" + PORT + ")");
        long pid = agent.pid();
        long child = agent.childPid();
        assertThat(FakeAgent.isRunning(pid)).isTrue();
        assertThat(FakeAgent.isRunning(child)).isTrue();

        tunnel.stop().await();
        assertThat(FakeAgent.isRunning(pid)).as("agent").isFalse();
        assertThat(FakeAgent.isRunning(child)).as("agent's child").isFalse();
        tunnel.stop().await(); // again: harmless
        assertThat(logs.lines()).noneMatch(l -> l.contains("ended unexpectedly"));
    }

    @Test
    void an_agent_that_keeps_logging_after_the_url_is_drained_and_never_blocks() throws Exception {
        // 400 KB after the URL: far more than a pipe holds, so an undrained agent would block before the marker file.
        FakeAgent agent = FakeAgent.write(dir, "cloudflared", "cat >&2 <<'EOF'\n" + FakeAgent.CLOUDFLARED_BANNER + "EOF\n"
                + "i=0; while [ $i -lt 4000 ]; do echo \"2024-05-02T10:00:03Z INF Updated to new configuration config=null"
                + " version=$i ....................................\" >&2; i=$((i+1)); done\n"
                + "touch \"$FAKE_DIR/drained\"\n" + FakeAgent.KEEP_RUNNING);
        tunnel = startCloudflared(agent, 5);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.exists(dir.resolve("drained")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(dir.resolve("drained")).exists();
    }

    @Test
    void an_agent_that_exits_with_an_error_fails_with_that_error_not_with_the_api_host_as_url() throws Exception {
        FakeAgent agent = FakeAgent.write(dir, "cloudflared", """
                echo '2024-05-02T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...' >&2
                echo '2024-05-02T10:00:05Z ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host' >&2
                exit 1
                """);
        Throwable t = failureOf(() -> startCloudflared(agent, 5));
        assertThat(t).hasMessage("cloudflared exited with code 1 before printing a public URL: failed to request quick Tunnel:"
                + " Post \"https://api.trycloudflare.com/tunnel\": dial tcp: lookup api.trycloudflare.com: no such host");
    }

    @Test
    void an_agent_that_never_prints_a_url_times_out_and_is_ended() throws Exception {
        FakeAgent agent = FakeAgent.write(dir, "cloudflared", """
                echo '2024-05-02T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...' >&2
                echo '2024-05-02T10:00:00Z INF still waiting' >&2
                """ + FakeAgent.KEEP_RUNNING);
        long started = System.nanoTime();
        Throwable t = failureOf(() -> startCloudflared(agent, 0.5));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));
        assertThat(t).hasMessage("cloudflared printed no public URL within 0.5 s (extra.tunnels.timeout); its last output:\n"
                + "  2024-05-02T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...\n"
                + "  2024-05-02T10:00:00Z INF still waiting");
        assertThat(FakeAgent.endsSoon(agent.pid())).as("agent").isTrue();
        assertThat(FakeAgent.endsSoon(agent.childPid())).as("agent's child").isTrue();
    }

    @Test
    void an_agent_that_prints_garbage_fails_with_what_it_printed() throws Exception {
        FakeAgent agent = FakeAgent.write(dir, "cloudflared", """
                printf '\\001\\377\\376 binary noise\\n'
                echo 'https://trycloudflare.com'
                echo 'visit https://x.trycloudflare.com.attacker.example now'
                echo '{"url":"https://not-this.ngrok-free.app"}'
                """);
        Throwable t = failureOf(() -> startCloudflared(agent, 5));
        assertThat(t.getMessage()).startsWith("cloudflared exited with code 0 before printing a public URL; its last output:\n")
                .contains("  visit https://x.trycloudflare.com.attacker.example now");
    }

    @Test
    void a_missing_binary_fails_naming_the_setting_to_fix() {
        Throwable t = failureOf(() -> TunnelLauncher.of(config("cloudflared",
                new JsonObject().put("cloudflared_binary", dir.resolve("no-such-cloudflared").toString())), false, Map.of())
                .start(vertx, PORT).await());
        assertThat(t.getMessage()).startsWith("could not run cloudflared as '" + dir.resolve("no-such-cloudflared") + "' (")
                .endsWith("): install it or set extra.tunnels.cloudflared_binary");
    }

    @Test
    void an_agent_that_dies_after_giving_its_url_is_reported() throws Exception {
        FakeAgent agent = FakeAgent.write(dir, "cloudflared", "cat >&2 <<'EOF'\n" + FakeAgent.CLOUDFLARED_BANNER + "EOF\n"
                + "sleep 0.3\necho '2024-05-02T10:00:09Z ERR Connection terminated error=\"control stream closed\"' >&2\nexit 3\n");
        tunnel = startCloudflared(agent, 5);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (logs.lines().stream().noneMatch(l -> l.startsWith("WARN cloudflared ended")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(logs.lines()).contains("WARN cloudflared ended unexpectedly (exit code 3): " + FakeAgent.CLOUDFLARED_URL
                + " no longer reaches the gateway: Connection terminated error=\"control stream closed\"");
    }

    private static final String NGROK_STARTED = """
            {"lvl":"info","msg":"no configuration paths supplied","t":"2024-05-02T10:00:00.1+00:00"}
            {"lvl":"info","msg":"using configuration at default config path","path":"/home/u/.config/ngrok/ngrok.yml","t":"2024-05-02T10:00:00.1+00:00"}
            {"lvl":"info","msg":"open config file","path":"/home/u/.config/ngrok/ngrok.yml","err":null,"t":"2024-05-02T10:00:00.1+00:00"}
            {"addr":"127.0.0.1:4040","lvl":"info","msg":"starting web service","obj":"web","t":"2024-05-02T10:00:00.2+00:00"}
            {"lvl":"info","msg":"client session established","obj":"tunnels.session","t":"2024-05-02T10:00:00.9+00:00"}
            {"lvl":"info","msg":"tunnel session started","obj":"tunnels.session","t":"2024-05-02T10:00:00.9+00:00"}
            {"addr":"http://127.0.0.1:18123","lvl":"info","msg":"started tunnel","name":"command_line","obj":"tunnels","t":"2024-05-02T10:00:01.0+00:00","url":"https://1a2b-203-0-113-7.ngrok-free.app"}
            {"id":"a1b2c3","l":"127.0.0.1:18123","lvl":"info","msg":"join connections","obj":"join","r":"203.0.113.9:50000","t":"2024-05-02T10:00:02.0+00:00"}
            """;

    /** An ngrok that refuses any authtoken but {@link #TOKEN}, echoing the one it got, as the real one does. */
    private FakeAgent fakeNgrok() throws Exception {
        return FakeAgent.write(dir, "ngrok", "if [ \"$NGROK_AUTHTOKEN\" != '" + TOKEN + "' ]; then\n"
                + "  printf '%s\\n' '{\"err\":\"authentication failed: The authtoken you specified does not look like a proper ngrok tunnel"
                + " authtoken.\\nYour authtoken: '\"$NGROK_AUTHTOKEN\"'\\nInstructions to install your authtoken are on your"
                + " ngrok dashboard:\\nhttps://dashboard.ngrok.com/get-started/your-authtoken\\r\\n\\r\\nERR_NGROK_105\\r\\n\","
                + "\"lvl\":\"crit\",\"msg\":\"command failed\",\"t\":\"2024-05-02T10:00:00.5+00:00\"}'\n"
                + "  echo \"ERROR:  Your authtoken: $NGROK_AUTHTOKEN\" >&2\n"
                + "  echo 'ERROR:  ERR_NGROK_105' >&2\n"
                + "  exit 1\n"
                + "fi\n"
                + "cat <<'EOF'\n" + NGROK_STARTED + "EOF\n" + FakeAgent.KEEP_RUNNING);
    }

    @Test
    void ngrok_url_is_read_from_its_json_log_and_the_authtoken_goes_only_to_its_environment() throws Exception {
        FakeAgent agent = fakeNgrok();
        tunnel = startNgrok(agent, Map.of("NGROK_AUTHTOKEN", TOKEN));

        assertThat(tunnel.publicUrl()).isEqualTo("https://1a2b-203-0-113-7.ngrok-free.app");
        assertThat(agent.args()).containsExactly("http", "127.0.0.1:" + PORT, "--log", "stdout", "--log-format", "json");
        assertThat(agent.tokenSeen()).isEqualTo(TOKEN);
        assertThat(logs.lines()).contains("INFO public URL: https://1a2b-203-0-113-7.ngrok-free.app (ngrok tunnel to http://127.0.0.1:"
                + PORT + ")");
        assertThat(logs.lines()).noneMatch(l -> l.contains(TOKEN));

        long pid = agent.pid();
        long child = agent.childPid();
        tunnel.stop().await();
        assertThat(FakeAgent.isRunning(pid)).isFalse();
        assertThat(FakeAgent.isRunning(child)).isFalse();
    }

    @Test
    void ngrok_authentication_failure_is_explained_with_the_authtoken_redacted() throws Exception {
        String wrong = "2wrongNgrokAuthtoken9876543210fedcba";
        FakeAgent agent = fakeNgrok();
        Throwable t = failureOf(() -> startNgrok(agent, Map.of("NGROK_AUTHTOKEN", wrong)));

        assertThat(agent.tokenSeen()).isEqualTo(wrong);
        assertThat(t.getMessage()).startsWith("ngrok exited with code 1 before printing a public URL: authentication failed:")
                .contains("Your authtoken: [redacted]").contains("ERR_NGROK_105").doesNotContain(wrong);
        assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains(wrong));
    }

    @Test
    void ngrok_authtoken_from_the_config_is_passed_too() throws Exception {
        FakeAgent agent = fakeNgrok();
        tunnel = TunnelLauncher.of(config("ngrok", new JsonObject().put("ngrok_binary", agent.binary.toString())
                .put("ngrok_authtoken", TOKEN)), false, Map.of()).start(vertx, PORT).await();
        assertThat(agent.tokenSeen()).isEqualTo(TOKEN);
        assertThat(logs.lines()).noneMatch(l -> l.contains(TOKEN));
    }
}
