package dev.autogateway.network.tunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A stand-in tunnel agent: a shell script that prints what the real agent prints, after recording its pid, its
 * arguments and the {@code NGROK_AUTHTOKEN} it was given. {@link #KEEP_RUNNING} makes it start a child and wait, as a
 * wrapper script around a real agent would, so a test can check that the whole process tree goes away.
 */
public final class FakeAgent {
    /** Ends a script body: a child that outlives the script unless it is killed too, then waiting on it. */
    public static final String KEEP_RUNNING = "sleep 300 &\necho $! > \"$FAKE_DIR/child.pid\"\nwait\n";

    public static final String CLOUDFLARED_BANNER = """
            2024-05-02T10:00:00Z INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps
            2024-05-02T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...
            2024-05-02T10:00:01Z INF +--------------------------------------------------------------------------------------------+
            2024-05-02T10:00:01Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |
            2024-05-02T10:00:01Z INF |  https://seasonal-deck-organisms-sf.trycloudflare.com                                      |
            2024-05-02T10:00:01Z INF +--------------------------------------------------------------------------------------------+
            2024-05-02T10:00:01Z INF Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]
            2024-05-02T10:00:01Z INF Version 2024.4.1
            2024-05-02T10:00:01Z INF GOOS: linux, GOVersion: go1.22.2, GoArch: amd64
            2024-05-02T10:00:01Z INF Settings: map[ha-connections:1 protocol:quic url:http://127.0.0.1:8000]
            2024-05-02T10:00:01Z INF Generated Connector ID: 5c7a3d0e-1b2f-4c7e-9f5d-2a8b6c4d3e1f
            2024-05-02T10:00:01Z INF Starting metrics server on 127.0.0.1:33615/metrics
            2024-05-02T10:00:02Z INF Registered tunnel connection connIndex=0 connection=9a1b2c3d event=0 ip=198.41.192.7 location=ams01 protocol=quic
            """;

    public static final String CLOUDFLARED_URL = "https://seasonal-deck-organisms-sf.trycloudflare.com";

    public final Path dir;
    public final Path binary;

    private FakeAgent(Path dir, Path binary) {
        this.dir = dir;
        this.binary = binary;
    }

    /** A script named {@code name} in {@code dir} that runs {@code body} after recording what it was started with. */
    public static FakeAgent write(Path dir, String name, String body) throws IOException {
        Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n"
                + "FAKE_DIR='" + dir + "'\n"
                + "echo $$ > \"$FAKE_DIR/agent.pid\"\n"
                + "printf '%s' \"${NGROK_AUTHTOKEN:-}\" > \"$FAKE_DIR/token\"\n"
                + "printf '%s\\n' \"$@\" > \"$FAKE_DIR/args\"\n"
                + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new FakeAgent(dir, script);
    }

    /** A cloudflared that logs its banner, with the URL, to stderr and keeps running. */
    public static FakeAgent cloudflared(Path dir) throws IOException {
        return write(dir, "cloudflared", "cat >&2 <<'EOF'\n" + CLOUDFLARED_BANNER + "EOF\n" + KEEP_RUNNING);
    }

    public long pid() throws Exception {
        return Long.parseLong(await("agent.pid"));
    }

    public long childPid() throws Exception {
        return Long.parseLong(await("child.pid"));
    }

    public List<String> args() throws Exception {
        await("args");
        return Files.readAllLines(dir.resolve("args"));
    }

    /** The NGROK_AUTHTOKEN the agent saw in its environment; empty when none. */
    public String tokenSeen() throws Exception {
        await("args"); // written just after the token
        return Files.readString(dir.resolve("token"));
    }

    private String await(String file) throws Exception {
        Path p = dir.resolve(file);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(p) || Files.readString(p).isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the fake agent never wrote " + file);
            }
            Thread.sleep(20);
        }
        return Files.readString(p).trim();
    }

    /** Running, counting a zombie (killed, not yet reaped by a PID 1 that may never reap) as gone. */
    public static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(TunnelProcess::running).orElse(false);
    }

    /** Whether {@code pid} is gone within a few seconds. */
    public static boolean endsSoon(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
