package dev.autogateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.FreePorts;
import dev.autogateway.testing.RawHttp;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final String VALID = """
        {"router":{"strategy":"sequential"},"providers":[
          {"name":"openai","type":"openai_compatible","api_key":{"main":"sk-secret-1","backup":"sk-secret-2"},"models":{"gpt-4o":["vision"]}},
          {"name":"echo","type":"echo","models":["echo"]}]}""";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    private String oldHome;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        oldHome = System.getProperty("user.home");
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setProperty("user.home", dir.resolve("home").toString());
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.setProperty("user.home", oldHome);
    }

    private int run(String... args) {
        return Main.commandLine().execute(args);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void check_prints_the_seeds_summary_and_never_a_key() throws IOException {
        assertThat(run("check", "--config", file("c.json", VALID).toString())).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("OK: providers=2 strategy=sequential tunnel=none\n");
        assertThat(printed).contains("  - openai (openai_compatible): models=gpt-4o keys=2 base_url=https://api.openai.com/v1");
        assertThat(printed).contains("  - echo (echo): models=echo keys=0");
        assertThat(printed).doesNotContain("sk-secret");
    }

    @Test
    void check_names_every_problem_and_exits_2() throws IOException {
        Path bad = file("bad.json", "{\"providers\":[{\"name\":\"a\",\"type\":\"openai_compatible\",\"models\":{}}],\"router\":{\"retries\":99}}");
        assertThat(run("check", "--config", bad.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("ERROR: invalid config (" + bad + ")")
                .contains("  router.retries: must be between 0 and 10, got 99")
                .contains("  providers[0].models: must not be empty");
        assertThat(run("check", "--config", dir.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.json: file not found");
    }

    @Test
    void check_refuses_a_tunnel_that_start_would_refuse() throws IOException {
        Path open = file("tunnel.json", "{\"server\":{\"tunnel\":\"cloudflared\"},"
                + "\"providers\":[{\"name\":\"echo\",\"type\":\"echo\",\"models\":[\"echo\"]}]}");
        assertThat(run("check", "--config", open.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("server.tunnel: cloudflared makes the gateway reachable"
                + " from the internet and server.api_key is not set");
        assertThat(run("start", "--config", open.toString())).as("start refuses it the same way").isEqualTo(2);
        assertThat(run("check", "--config", open.toString(), "--allow-public-without-auth")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: providers=1 strategy=sequential tunnel=cloudflared");
    }

    @Test
    void save_global_stores_a_private_copy_that_check_then_uses_by_default() throws IOException {
        Path cfg = file("c.json", VALID);
        assertThat(run("save-global", "--config", cfg.toString())).isZero();
        Path saved = dir.resolve("home/.auto-gateway/config.json");
        assertThat(saved).hasContent(VALID);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved))).isEqualTo("rw-------");

        out.reset();
        assertThat(run("check")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: providers=2");
    }

    @Test
    void save_global_refuses_an_invalid_config() throws IOException {
        assertThat(run("save-global", "--config", file("bad.json", "{\"providers\":[]}").toString())).isEqualTo(2);
        assertThat(dir.resolve("home/.auto-gateway/config.json")).doesNotExist();
    }

    @Test
    void every_subcommand_explains_itself_with_help() {
        for (String cmd : new String[] {"start", "check", "save-global", "version"}) {
            out.reset();
            assertThat(run(cmd, "--help")).as(cmd + " --help").isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as(cmd + " --help").contains("Usage: auto-gateway " + cmd);
        }
        out.reset();
        run("start", "--help");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--socket", "--config", "--allow-public-without-auth");
        out.reset();
        run("check", "--help");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config", "--allow-public-without-auth");
    }

    @Test
    void version_prints_the_name_and_version() {
        assertThat(run("version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("auto-gateway ");
    }

    @Test
    void start_refuses_a_bad_config_or_flag_with_exit_2() throws IOException {
        assertThat(run("start", "--config", file("bad.json", "{\"providers\":[]}").toString())).isEqualTo(2);
        assertThat(run("start", "--config", file("c.json", VALID).toString(), "--tunnel", "carrier-pigeon")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tunnel: must be one of none, ngrok, cloudflared");
        assertThat(run("start", "--port", "not-a-number")).isEqualTo(2);
    }

    @Test
    void start_serves_with_no_config_at_all_using_the_echo_provider() throws Exception {
        int port = FreePorts.one();
        Process p = startProcess(List.of("start", "--port", Integer.toString(port)));
        try {
            HttpResponse<String> r = post(port, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"content\":\"Echo: ping\"");
            if (System.getProperty("os.name").equals("Linux")
                    && List.of("amd64", "aarch64").contains(System.getProperty("os.arch"))) {
                assertThat(Files.readString(dir.resolve("gateway.log"))).as("the bundled native transport is used")
                        .contains("epoll transport");
            }
        } finally {
            p.destroy();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void start_flags_override_the_config_file() throws Exception {
        int port = FreePorts.one();
        Path cfg = file("c.json", "{\"server\":{\"port\":1},\"providers\":[{\"name\":\"e\",\"type\":\"echo\",\"models\":[\"echo\"]}]}");
        Process p = startProcess(List.of("start", "--config", cfg.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1"));
        try {
            assertThat(post(port, "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void start_runs_without_vertx_header_checks_unless_the_command_line_keeps_them() throws Exception {
        // Its own process, so only Main sets the property (the tests' JVM has it from surefire). A header name with a
        // '(' is what Vert.x's checks refuse and the gateway, which never forwards client headers, lets by.
        for (boolean checks : List.of(false, true)) {
            int port = FreePorts.one();
            Process p = startProcess(checks ? List.of("-Dvertx.disableHttpHeadersValidation=false") : List.of(),
                    List.of("start", "--port", Integer.toString(port)));
            try {
                String status = RawHttp.post(port, "X-Odd(name): 1\r\n",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8))
                        .status();
                assertThat(status).as(checks ? "with Vert.x's checks" : "by default")
                        .isEqualTo(checks ? "HTTP/1.1 400 Bad Request" : "HTTP/1.1 200 OK");
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process startProcess(List<String> args) throws Exception {
        return startProcess(List.of(), args);
    }

    /** The CLI as its own process, on this test's class path, with a home of its own and no OpenAI key. */
    private Process startProcess(List<String> jvmOptions, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + dir.resolve("home"),
                // The production logging config, not the tests' quiet one: the test waits for its "listening" line.
                "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"), "-cp", System.getProperty("java.class.path")));
        cmd.addAll(jvmOptions);
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
        pb.environment().remove("OPENAI_API_KEY");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(dir.resolve("gateway.log")).contains("listening on")) {
            assertThat(p.isAlive()).as("gateway exited: " + Files.readString(dir.resolve("gateway.log"))).isTrue();
            assertThat(System.nanoTime()).as("gateway did not start in time").isLessThan(deadline);
            Thread.sleep(50);
        }
        return p;
    }

    private static HttpResponse<String> post(int port, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }
}
