package dev.autogateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.network.tunnel.FakeAgent;
import dev.autogateway.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code start --tunnel} as a user runs it: the CLI in its own process, with a fake agent binary. */
class TunnelCliTest {
    private static final String TOKEN = "2cliNgrokAuthtoken0123456789abcdef";

    @TempDir
    Path dir;

    private Path config(String server, String tunnels) throws IOException {
        return Files.writeString(dir.resolve("config.json"), "{\"server\":" + server + ",\"providers\":[{\"name\":\"e\","
                + "\"type\":\"echo\",\"models\":[\"echo\"]}],\"extra\":{\"tunnels\":" + tunnels + "}}");
    }

    @Test
    void start_with_cloudflared_logs_the_public_url_and_sigterm_ends_the_agent_with_the_gateway() throws Exception {
        Path agentDir = Files.createDirectory(dir.resolve("agent"));
        FakeAgent agent = FakeAgent.cloudflared(agentDir);
        int port = FreePorts.one();
        Path cfg = config("{\"api_key\":\"gw-key\"}", "{\"cloudflared_binary\":\"" + agent.binary + "\"}");

        Process gw = start(List.of("start", "--config", cfg.toString(), "--port", Integer.toString(port), "--tunnel", "cloudflared"),
                Map.of());
        try {
            String log = awaitLog(gw, "listening on");
            assertThat(log).contains("public URL: " + FakeAgent.CLOUDFLARED_URL + " (cloudflared tunnel to http://127.0.0.1:" + port + ")");
            assertThat(agent.args()).containsExactly("tunnel", "--url", "http://127.0.0.1:" + port);
            assertThat(get(port, "/health")).isEqualTo(200);
        } finally {
            gw.destroy(); // SIGTERM: the shutdown hook must take the agent down with the gateway
            assertThat(gw.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(FakeAgent.endsSoon(agent.pid())).as("agent").isTrue();
        assertThat(FakeAgent.endsSoon(agent.childPid())).as("agent's child").isTrue();
    }

    @Test
    void start_with_ngrok_passes_the_authtoken_and_never_prints_it_even_at_debug_level() throws Exception {
        Path agentDir = Files.createDirectory(dir.resolve("agent"));
        FakeAgent agent = FakeAgent.write(agentDir, "ngrok", "cat <<'EOF'\n"
                + "{\"lvl\":\"info\",\"msg\":\"client session established\",\"obj\":\"tunnels.session\",\"t\":\"2024-05-02T10:00:00.9+00:00\"}\n"
                + "{\"lvl\":\"info\",\"msg\":\"started tunnel\",\"name\":\"command_line\",\"obj\":\"tunnels\",\"t\":\"2024-05-02T10:00:01+00:00\","
                + "\"url\":\"https://5e6f-198-51-100-4.ngrok-free.app\"}\n"
                + "EOF\n" + FakeAgent.KEEP_RUNNING);
        int port = FreePorts.one();
        Path cfg = config("{}", "{\"ngrok_binary\":\"" + agent.binary + "\"}");

        Process gw = start(List.of("start", "--config", cfg.toString(), "--port", Integer.toString(port), "--tunnel", "ngrok",
                "--allow-public-without-auth"), Map.of("NGROK_AUTHTOKEN", TOKEN, "LOG_LEVEL", "DEBUG"));
        String log;
        try {
            log = awaitLog(gw, "listening on");
            assertThat(agent.tokenSeen()).isEqualTo(TOKEN);
        } finally {
            gw.destroy();
            assertThat(gw.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        log = Files.readString(dir.resolve("gateway.log"));
        assertThat(log).contains("public URL: https://5e6f-198-51-100-4.ngrok-free.app")
                .contains("ngrok tunnel without server.api_key: anyone who has the public URL can use the gateway")
                .contains("ngrok: {\"lvl\":\"info\",\"msg\":\"started tunnel\"") // the agent's own lines, at DEBUG
                .doesNotContain(TOKEN);
        assertThat(FakeAgent.endsSoon(agent.pid())).isTrue();
    }

    @Test
    void start_fails_with_exit_1_and_the_agents_error_when_the_tunnel_cannot_start() throws Exception {
        Path agentDir = Files.createDirectory(dir.resolve("agent"));
        FakeAgent agent = FakeAgent.write(agentDir, "cloudflared",
                "echo '2024-05-02T10:00:00Z ERR Couldn'\\''t start tunnel error=\"quick tunnels are rate limited\"' >&2\nexit 1\n");
        Path cfg = config("{\"api_key\":\"gw-key\"}", "{\"cloudflared_binary\":\"" + agent.binary + "\"}");

        Process gw = start(List.of("start", "--config", cfg.toString(), "--port", Integer.toString(FreePorts.one()), "--tunnel",
                "cloudflared"), Map.of());
        assertThat(gw.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(gw.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("gateway.log"))).contains("could not start the cloudflared tunnel: cloudflared exited"
                + " with code 1 before printing a public URL: Couldn't start tunnel error=\"quick tunnels are rate limited\"");
    }

    @Test
    void start_refuses_a_tunnel_without_api_key_unless_told_to_allow_it() throws IOException {
        Path cfg = config("{}", "{}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute("start", "--config", cfg.toString(), "--tunnel", "ngrok")).isEqualTo(2);
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("server.tunnel: ngrok makes the gateway reachable from the internet"
                + " and server.api_key is not set; set server.api_key, or pass --allow-public-without-auth to expose it anyway");
    }

    @Test
    void check_names_a_bad_extra_tunnels_key_by_its_path() throws IOException {
        Path cfg = config("{}", "{\"timeout\":\"soon\"}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute("check", "--config", cfg.toString())).isEqualTo(2);
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("  extra.tunnels.timeout: must be a positive number of seconds (at most 3600), got \"soon\"");
    }

    /** The CLI as its own process on this test's class path, with the production logging config. */
    private Process start(List<String> args, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir.resolve("home"), "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
        pb.environment().remove("OPENAI_API_KEY");
        pb.environment().remove("NGROK_AUTHTOKEN");
        pb.environment().putAll(env);
        return pb.start();
    }

    private String awaitLog(Process p, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String log = Files.readString(dir.resolve("gateway.log"));
            if (log.contains(text)) {
                return log;
            }
            assertThat(p.isAlive()).as("gateway exited: " + log).isTrue();
            assertThat(System.nanoTime()).as("no '" + text + "' in time: " + log).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
