package dev.autogateway.server;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes access-log lines to stdout in batches from one background thread. Event loops only enqueue (lock-free),
 * and the writer wakes a few dozen times a second rather than once per request: on a busy core a wake-up per line,
 * as an ordinary asynchronous appender does, cost about a quarter of the gateway's throughput. Under overload the
 * queue is bounded and lines are dropped (and counted in the log) rather than slowing requests down.
 */
final class AccessLogWriter {
    private static final long PERIOD_NANOS = 20_000_000;
    private static final int MAX_QUEUED = 100_000;
    private static final AccessLogWriter STDOUT = start(
            new AccessLogWriter(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), MAX_QUEUED));

    private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final OutputStream out;
    private final int maxQueued;

    AccessLogWriter(OutputStream out, int maxQueued) {
        this.out = out;
        this.maxQueued = maxQueued;
    }

    private static AccessLogWriter start(AccessLogWriter w) {
        Thread writer = new Thread(w::run, "access-log-writer");
        writer.setDaemon(true);
        writer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(w::drain, "access-log-flush"));
        return w;
    }

    static AccessLogWriter stdout() {
        return STDOUT;
    }

    void write(String line) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(line);
    }

    private void run() {
        while (true) {
            LockSupport.parkNanos(PERIOD_NANOS);
            drain();
        }
    }

    /** Also runs at shutdown, after the HTTP side has drained, so the last requests' lines are not lost. */
    synchronized void drain() {
        try {
            int lost = dropped.getAndSet(0);
            if (lost > 0) {
                out.write(("{\"access_log_dropped\":" + lost + "}\n").getBytes(StandardCharsets.UTF_8));
            }
            boolean wrote = false;
            for (String line; (line = queue.poll()) != null; ) {
                queued.decrementAndGet();
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                wrote = true;
            }
            if (wrote || lost > 0) {
                out.flush();
            }
        } catch (IOException e) {
            // stdout is gone (a closed pipe): nothing useful to do with an access log now.
            queue.clear();
            queued.set(0);
        }
    }
}
