package dev.autogateway.server;

import io.netty.util.concurrent.FastThreadLocal;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes access-log lines to stdout in batches from one background thread. Each event loop appends its lines' bytes
 * to a buffer of its own (a lock nobody else takes but the writer, a few dozen times a second), and the writer swaps
 * the buffers out and writes them: a thread wake-up per line, as an ordinary asynchronous appender does, cost about a
 * quarter of the gateway's throughput, and a string and a queue node per line a few per cent more. Under overload a
 * buffer is bounded and lines are dropped (and counted in the log) rather than slowing requests down.
 */
final class AccessLogWriter {
    private static final long PERIOD_NANOS = 20_000_000;
    /** Per event loop and period: about 50 ms of lines at 100,000 requests a second. */
    private static final int MAX_BATCH_BYTES = 1 << 20;
    private static final AccessLogWriter STDOUT = start(
            new AccessLogWriter(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), MAX_BATCH_BYTES));

    private final List<Batch> batches = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<Batch> mine = new FastThreadLocal<>() {
        @Override
        protected Batch initialValue() {
            return newBatch();
        }
    };
    private final OutputStream out;
    private final int maxBatchBytes;

    AccessLogWriter(OutputStream out, int maxBatchBytes) {
        this.out = out;
        this.maxBatchBytes = maxBatchBytes;
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

    /** Queues one line (its bytes are copied: the caller may reuse it). */
    void write(LogLine line) {
        Batch b = mine.get();
        synchronized (b) {
            int needed = b.length + line.length() + 1;
            if (needed > b.bytes.length) {
                if (needed > maxBatchBytes) {
                    b.dropped++;
                    return;
                }
                b.bytes = Arrays.copyOf(b.bytes, Math.min(maxBatchBytes, Math.max(needed, b.bytes.length * 2)));
            }
            System.arraycopy(line.bytes(), 0, b.bytes, b.length, line.length());
            b.length += line.length();
            b.bytes[b.length++] = '\n';
        }
    }

    private Batch newBatch() {
        Batch b = new Batch(Math.min(maxBatchBytes, 64 * 1024));
        batches.add(b);
        return b;
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
            boolean wrote = false;
            for (Batch b : batches) {
                byte[] full;
                int length;
                int lost;
                synchronized (b) {
                    full = b.bytes;
                    length = b.length;
                    lost = b.dropped;
                    b.bytes = b.spare;
                    b.spare = full;
                    b.length = 0;
                    b.dropped = 0;
                }
                if (lost > 0) {
                    out.write(("{\"access_log_dropped\":" + lost + "}\n").getBytes(StandardCharsets.UTF_8));
                }
                out.write(full, 0, length);
                wrote |= length > 0 || lost > 0;
            }
            if (wrote) {
                out.flush();
            }
        } catch (IOException e) {
            // stdout is gone (a closed pipe): nothing useful to do with an access log now.
        }
    }

    /** One thread's lines since the last drain; {@code spare}, the buffer last drained, is the writer's alone. */
    private static final class Batch {
        byte[] bytes;
        byte[] spare;
        int length;
        int dropped;

        Batch(int capacity) {
            bytes = new byte[capacity];
            spare = new byte[0];
        }
    }
}
