package dev.autogateway.network.tunnel;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent process and the thread that reads its output. The thread is a dedicated daemon, not a Vert.x worker: it
 * blocks on the agent's output for the tunnel's whole life, and it must keep draining that output after the URL is
 * found, or the agent would block on a full pipe once it has logged about 64 KiB.
 */
final class TunnelProcess implements Tunnel {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelProcess.class);
    private static final int RECENT_LINES = 5;
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Context context;
    private final Agent agent;
    private final Promise<Tunnel> started = Promise.promise();
    private final AtomicBoolean settled = new AtomicBoolean();
    private final Deque<String> recent = new ArrayDeque<>();
    private volatile String lastError;
    private volatile Process process;
    private volatile String publicUrl;
    private volatile boolean stopping;
    private Future<Void> stopped;

    private TunnelProcess(Vertx vertx, Agent agent) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.agent = agent;
    }

    /** Runs the agent towards {@code host:port}; succeeds with the tunnel once the agent prints its public URL. */
    static Future<Tunnel> start(Vertx vertx, Agent agent, String host, int port, Duration timeout) {
        TunnelProcess t = new TunnelProcess(vertx, agent);
        long timer = vertx.setTimer(timeout.toMillis(), id -> t.fail(agent.name() + " printed no public URL within "
                + seconds(timeout) + " (extra.tunnels.timeout)" + t.lastOutput()));
        Thread reader = new Thread(() -> t.run(agent.command(host, port)), agent.name() + "-tunnel");
        reader.setDaemon(true);
        reader.start();
        return t.started.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    @Override
    public String publicUrl() {
        return publicUrl;
    }

    @Override
    public synchronized Future<Void> stop() {
        stopping = true;
        if (stopped == null) {
            stopped = vertx.executeBlocking(() -> {
                terminate();
                return null;
            }, false);
        }
        return stopped;
    }

    private void run(List<String> command) {
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(agent.environment());
            p = pb.start();
        } catch (IOException e) {
            fail("could not run " + agent.name() + " as '" + command.get(0) + "' (" + e.getMessage() + "): install it or set "
                    + agent.binaryKey());
            return;
        }
        process = p;
        if (stopping) {
            terminate(); // the timeout fired while the process was being started
        }
        try {
            p.getOutputStream().close(); // no agent reads its stdin; EOF rather than a pipe nobody writes to
        } catch (IOException ignored) {
            // nothing to close
        }
        try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                accept(line);
            }
        } catch (IOException e) {
            // the stream closes when the process is destroyed
        }
        int code = exitCode(p);
        if (publicUrl == null) {
            fail(agent.name() + " exited with code " + code + " before printing a public URL" + lastOutput());
        } else if (!stopping) {
            LOG.warn("{} ended unexpectedly (exit code {}): {} no longer reaches the gateway{}", agent.name(), code,
                    publicUrl, lastOutput());
        }
    }

    private void accept(String raw) {
        String line = redact(raw);
        LOG.debug("{}: {}", agent.name(), line);
        synchronized (recent) {
            if (recent.size() == RECENT_LINES) {
                recent.removeFirst();
            }
            recent.addLast(line);
        }
        agent.error(raw).ifPresent(e -> lastError = redact(e));
        if (publicUrl == null) {
            agent.publicUrl(raw).ifPresent(url -> {
                if (settled.compareAndSet(false, true)) {
                    publicUrl = url;
                    context.runOnContext(v -> started.complete(this));
                }
            });
        }
    }

    private void fail(String message) {
        if (settled.compareAndSet(false, true)) {
            context.runOnContext(v -> started.fail(new TunnelException(message)));
            stop();
        }
    }

    /** Stops the agent and everything it started: a wrapper script's children would otherwise outlive it. */
    private void terminate() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(p.toHandle());
        p.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        while (tree.stream().anyMatch(TunnelProcess::running) && System.nanoTime() < deadline) {
            sleep(20);
        }
        tree.stream().filter(TunnelProcess::running).forEach(h -> {
            LOG.warn("{} (pid {}) ignored SIGTERM for {} s; killing it", agent.name(), h.pid(), STOP_GRACE.toSeconds());
            h.destroyForcibly();
        });
    }

    /**
     * A zombie counts as gone: an orphaned grandchild is reaped by PID 1, which in a container (or a sandbox) may
     * never do it, and Java still reports such a process as alive.
     */
    static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return h.isAlive(); // no /proc: not Linux
        }
    }

    private String lastOutput() {
        if (lastError != null) {
            return ": " + lastError;
        }
        synchronized (recent) {
            return recent.isEmpty() ? " (it printed nothing)" : "; its last output:\n  " + String.join("\n  ", recent);
        }
    }

    private String redact(String line) {
        String out = line;
        for (String secret : agent.secrets()) {
            out = out.replace(secret, "[redacted]");
        }
        return out;
    }

    private static int exitCode(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }
}
