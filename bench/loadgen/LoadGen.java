import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop, fixed-rate HTTP/1.1 load generator for the auto-gateway benchmark.
 *
 * <p>Why not wrk/hey: both are closed-loop. When the server stalls they stop sending, so the
 * stall is recorded as one slow request instead of the hundreds that would have queued behind it
 * (coordinated omission). Here request {@code i} has an intended send time {@code start + i/rate}
 * fixed in advance, and its latency is measured from that time, whether or not a connection was
 * free to send it then. A stalled server therefore shows up in the percentiles the way users
 * would experience it.
 *
 * <p>Model: {@code --connections} keep-alive connections, one thread each. A free thread claims
 * the next request number, sleeps until its intended time, sends, and reads the whole response.
 * If every connection is busy the next request is simply sent late and the lateness counts.
 * Threads + blocking sockets keep the code small and give sub-millisecond wake-ups; at the
 * rates used here (&le; a few thousand req/s) the scheduler cost is far below the numbers being
 * measured, and the tool reports its own send lag so that can be checked.
 *
 * <p>Also measures, over the measured window only: CPU time (utime+stime from /proc) and RSS of
 * watched processes, and its own CPU per request.
 *
 * <p>Run: {@code java LoadGen.java --url URL --rate R --duration S [options]} (see usage()).
 * Results go to stdout as a summary line and, with {@code --out}, as key=value lines.
 */
public final class LoadGen {

    // ---------------------------------------------------------------- configuration

    static final class Config {
        String url;
        double rate;
        double duration;
        double warmup = 0;
        int connections = 64;
        String body = "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        final List<String> headers = new ArrayList<>();
        String expect;
        String out;
        String label = "run";
        String dump;
        double timeoutSeconds = 10;
        final Map<String, List<Integer>> watch = new LinkedHashMap<>();
    }

    static void usage(String problem) {
        PrintStream e = System.err;
        if (problem != null) e.println("error: " + problem);
        e.println("usage: java LoadGen.java --url http://127.0.0.1:PORT/path --rate REQ_PER_S --duration SECONDS");
        e.println("         [--warmup SECONDS] [--connections N] [--body JSON] [--header 'Name: value']...");
        e.println("         [--expect SUBSTRING] [--watch NAME=PID[,PID...]]... [--timeout SECONDS]");
        e.println("         [--label NAME] [--out FILE] [--dump CSV_FILE]");
        e.println("  --expect    a response counts as OK only if it is 200 and its body contains this");
        e.println("  --watch     sample CPU (utime+stime) and RSS of these pids during the measured window");
        e.println("  --dump      write every measured request (intended offset, send lag, latency, ttfb, status)");
        System.exit(2);
    }

    static Config parse(String[] args) {
        Config c = new Config();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) usage(null);
            if (i + 1 >= args.length) usage("missing value for " + a);
            String v = args[++i];
            switch (a) {
                case "--url": c.url = v; break;
                case "--rate": c.rate = Double.parseDouble(v); break;
                case "--duration": c.duration = Double.parseDouble(v); break;
                case "--warmup": c.warmup = Double.parseDouble(v); break;
                case "--connections": c.connections = Integer.parseInt(v); break;
                case "--body": c.body = v; break;
                case "--header": c.headers.add(v); break;
                case "--expect": c.expect = v; break;
                case "--out": c.out = v; break;
                case "--label": c.label = v; break;
                case "--dump": c.dump = v; break;
                case "--timeout": c.timeoutSeconds = Double.parseDouble(v); break;
                case "--watch": {
                    int eq = v.indexOf('=');
                    if (eq <= 0) usage("--watch wants NAME=PID[,PID...]");
                    List<Integer> pids = new ArrayList<>();
                    for (String p : v.substring(eq + 1).split(",")) {
                        if (!p.isBlank()) pids.add(Integer.parseInt(p.trim()));
                    }
                    c.watch.put(v.substring(0, eq), pids);
                    break;
                }
                default: usage("unknown option " + a);
            }
        }
        if (c.url == null) usage("--url is required");
        if (!(c.rate > 0)) usage("--rate must be > 0");
        if (!(c.duration > 0)) usage("--duration must be > 0");
        if (c.connections < 1) usage("--connections must be >= 1");
        return c;
    }

    // ---------------------------------------------------------------- one phase of requests

    static final byte OK = 0, BAD_STATUS = 1, BAD_BODY = 2, IO_ERROR = 3, TIMEOUT = 4;

    /** One block of requests at a fixed rate; slots are indexed by request number. */
    static final class Phase {
        final long startNs;
        final double intervalNs;
        final int n;
        final AtomicLong next = new AtomicLong();
        final long[] sendLagNs, latencyNs, ttfbNs, serviceNs;
        final int[] status;
        final byte[] outcome;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        Phase(long startNs, double rate, double seconds) {
            this.startNs = startNs;
            this.intervalNs = 1e9 / rate;
            this.n = (int) Math.max(1, Math.round(rate * seconds));
            sendLagNs = new long[n];
            latencyNs = new long[n];
            ttfbNs = new long[n];
            serviceNs = new long[n];
            status = new int[n];
            outcome = new byte[n];
        }

        long intended(long i) {
            return startNs + Math.round(i * intervalNs);
        }
    }

    // ---------------------------------------------------------------- a keep-alive connection

    static final byte[] H_CONTENT_LENGTH = ascii("content-length");
    static final byte[] H_TRANSFER_ENCODING = ascii("transfer-encoding");
    static final byte[] H_CONNECTION = ascii("connection");
    static final byte[] T_CHUNKED = ascii("chunked");
    static final byte[] T_CLOSE = ascii("close");
    static final byte[] T_KEEP_ALIVE = ascii("keep-alive");

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static final class Conn {
        final String host;
        final int port;
        final int timeoutMs;
        Socket socket;
        InputStream in;
        OutputStream out;
        final byte[] buf = new byte[64 * 1024];
        int pos, lim;
        long lastReadNs;
        byte[] line = new byte[256];
        int lineLen;
        byte[] body = new byte[16 * 1024];
        int bodyLen;
        long firstBodyNs;
        int status;
        int reconnects = -1; // the first connect is not a reconnect

        Conn(String host, int port, int timeoutMs) {
            this.host = host;
            this.port = port;
            this.timeoutMs = timeoutMs;
        }

        void ensureOpen() throws IOException {
            if (socket != null) return;
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            pos = lim = 0;
            reconnects++;
        }

        void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already broken; nothing to do
                }
            }
            socket = null;
        }

        private void fill() throws IOException {
            int r = in.read(buf, 0, buf.length);
            if (r < 0) throw new EOFException("connection closed by server");
            lastReadNs = System.nanoTime();
            pos = 0;
            lim = r;
        }

        /**
         * Reads one header line (without CR LF) into {@code line}. Works on bytes and reuses the
         * buffer: at a few thousand req/s, per-line Strings were enough garbage to trigger young
         * GC pauses inside the measured window, which showed up as the tool's own p99.9.
         */
        private void readLine() throws IOException {
            lineLen = 0;
            while (true) {
                while (pos < lim) {
                    byte b = buf[pos++];
                    if (b == '\n') {
                        if (lineLen > 0 && line[lineLen - 1] == '\r') lineLen--;
                        return;
                    }
                    if (lineLen == line.length) line = Arrays.copyOf(line, line.length * 2);
                    line[lineLen++] = b;
                }
                fill();
            }
        }

        /** Case-insensitive "does the current line start with this lower-case header name + ':'". */
        private boolean isHeader(byte[] lowerName) {
            if (lineLen <= lowerName.length || line[lowerName.length] != ':') return false;
            for (int i = 0; i < lowerName.length; i++) {
                if ((line[i] | 0x20) != lowerName[i] && line[i] != lowerName[i]) return false;
            }
            return true;
        }

        /** Case-insensitive search for a lower-case token in the current line after {@code from}. */
        private boolean lineContains(int from, byte[] lowerToken) {
            outer:
            for (int i = from; i + lowerToken.length <= lineLen; i++) {
                for (int j = 0; j < lowerToken.length; j++) {
                    byte b = line[i + j];
                    if (b >= 'A' && b <= 'Z') b |= 0x20;
                    if (b != lowerToken[j]) continue outer;
                }
                return true;
            }
            return false;
        }

        private long parseLong(int from, int radix) throws IOException {
            long v = 0;
            boolean any = false;
            for (int i = from; i < lineLen; i++) {
                int d = Character.digit(line[i], radix);
                if (d < 0) {
                    if (any || line[i] != ' ') break;
                    continue;
                }
                v = v * radix + d;
                any = true;
            }
            if (!any) throw new IOException("bad number in: " + new String(line, 0, lineLen, StandardCharsets.ISO_8859_1));
            return v;
        }

        private void readBody(long count) throws IOException {
            while (count > 0) {
                if (pos == lim) fill();
                int k = (int) Math.min(count, lim - pos);
                if (firstBodyNs == 0) firstBodyNs = lastReadNs;
                appendBody(k);
                pos += k;
                count -= k;
            }
        }

        private void readBodyToEof() throws IOException {
            while (true) {
                if (pos == lim) {
                    int r = in.read(buf, 0, buf.length);
                    if (r < 0) return;
                    lastReadNs = System.nanoTime();
                    pos = 0;
                    lim = r;
                }
                int k = lim - pos;
                if (firstBodyNs == 0) firstBodyNs = lastReadNs;
                appendBody(k);
                pos += k;
            }
        }

        private void appendBody(int k) {
            if (bodyLen + k > body.length) body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLen + k));
            System.arraycopy(buf, pos, body, bodyLen, k);
            bodyLen += k;
        }

        /** Sends the request and reads one full response; fills status/body/firstBodyNs. */
        void exchange(byte[] request) throws IOException {
            ensureOpen();
            out.write(request);
            out.flush();
            bodyLen = 0;
            firstBodyNs = 0;
            lastReadNs = System.nanoTime();

            readLine(); // "HTTP/1.1 200 OK"
            if (lineLen < 12 || line[0] != 'H' || line[8] != ' ') {
                throw new IOException("bad status line: " + new String(line, 0, lineLen, StandardCharsets.ISO_8859_1));
            }
            status = (int) parseLong(9, 10);
            boolean close = line[7] == '0'; // HTTP/1.0 closes unless told otherwise
            long contentLength = -1;
            boolean chunked = false;
            for (readLine(); lineLen > 0; readLine()) {
                if (isHeader(H_CONTENT_LENGTH)) {
                    contentLength = parseLong(H_CONTENT_LENGTH.length + 1, 10);
                } else if (isHeader(H_TRANSFER_ENCODING)) {
                    chunked = lineContains(H_TRANSFER_ENCODING.length + 1, T_CHUNKED);
                } else if (isHeader(H_CONNECTION)) {
                    if (lineContains(H_CONNECTION.length + 1, T_CLOSE)) close = true;
                    else if (lineContains(H_CONNECTION.length + 1, T_KEEP_ALIVE)) close = false;
                }
            }
            if (chunked) {
                while (true) {
                    readLine();
                    long size = parseLong(0, 16); // stops at ';' chunk extensions
                    if (size == 0) {
                        for (readLine(); lineLen > 0; readLine()) {
                            // trailers: ignored
                        }
                        break;
                    }
                    readBody(size);
                    readLine(); // CRLF after the chunk data
                }
            } else if (contentLength >= 0) {
                readBody(contentLength);
            } else if (status != 204 && status != 304) {
                close = true;
                readBodyToEof();
            }
            if (close) close();
        }

        boolean bodyContains(byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= bodyLen; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (body[i + j] != needle[j]) continue outer;
                }
                return true;
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- /proc sampling

    /** utime+stime of a process in clock ticks (all threads), or -1 if it is gone. */
    static long cpuTicks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name is in parentheses and may contain spaces: split after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // after "pid (comm) ", field 3 (state) is f[0]; utime is field 14, stime field 15
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmHWM and the like from /proc/PID/status, in kB; -1 if the process is gone. */
    static long statusKb(int pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
        return -1;
    }

    /**
     * Resident set size in kB from /proc/PID/statm (same figure as VmRSS). statm is one short
     * line, so sampling it while measuring costs the load generator's core next to nothing.
     */
    static long rssKb(int pid) {
        try {
            String statm = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/statm")), StandardCharsets.US_ASCII);
            String[] f = statm.trim().split(" ");
            return Long.parseLong(f[1]) * PAGE_KB;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static final long PAGE_KB = 4;

    /**
     * user+nice+system ticks of the whole machine (all cores). Compared with the CPU of the
     * processes we know about, it exposes other load on the box (a build, a test run) that would
     * make the run's numbers meaningless.
     */
    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long selfPid() {
        return ProcessHandle.current().pid();
    }

    /** Ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on. */
    static final double CLK_TCK = 100.0;

    // ---------------------------------------------------------------- main

    public static void main(String[] args) throws Exception {
        Config cfg = parse(args);
        URI uri = URI.create(cfg.url);
        if (!"http".equals(uri.getScheme())) usage("only http:// URLs are supported");
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();

        byte[] bodyBytes = cfg.body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder();
        req.append("POST ").append(path).append(" HTTP/1.1\r\n");
        req.append("Host: ").append(host).append(':').append(port).append("\r\n");
        req.append("Content-Type: application/json\r\n");
        req.append("Content-Length: ").append(bodyBytes.length).append("\r\n");
        for (String h : cfg.headers) req.append(h).append("\r\n");
        req.append("\r\n");
        byte[] head = req.toString().getBytes(StandardCharsets.UTF_8);
        byte[] request = Arrays.copyOf(head, head.length + bodyBytes.length);
        System.arraycopy(bodyBytes, 0, request, head.length, bodyBytes.length);
        byte[] expect = cfg.expect == null ? null : cfg.expect.getBytes(StandardCharsets.UTF_8);

        Conn[] conns = new Conn[cfg.connections];
        for (int i = 0; i < conns.length; i++) {
            conns[i] = new Conn(host, port, (int) (cfg.timeoutSeconds * 1000));
            conns[i].ensureOpen(); // connect up front: connection set-up is not what is measured
        }

        // Warm-up at the same rate: JIT for this tool and the server, and the server's
        // connection state, without recording anything.
        if (cfg.warmup > 0) runPhase(conns, request, expect, cfg.rate, cfg.warmup);
        // Start the measured window with an empty young generation so that (with the heap
        // sizes run.sh uses) this tool does not pause for GC while it is measuring.
        System.gc();

        int self = (int) selfPid();
        Map<String, long[]> cpuBefore = new LinkedHashMap<>();
        for (var e : cfg.watch.entrySet()) cpuBefore.put(e.getKey(), ticksOf(e.getValue()));
        long selfBefore = cpuTicks(self);
        long machineBefore = machineBusyTicks();
        int reconnectsBefore = Arrays.stream(conns).mapToInt(c -> c.reconnects).sum();

        // RSS is sampled while the load is on: a peak after the run would miss a transient.
        Map<String, long[]> rssMax = new LinkedHashMap<>();
        for (String k : cfg.watch.keySet()) rssMax.put(k, new long[] {0});
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (var e : cfg.watch.entrySet()) {
                    long sum = 0;
                    for (int pid : e.getValue()) sum += Math.max(0, rssKb(pid));
                    long[] m = rssMax.get(e.getKey());
                    synchronized (m) {
                        if (sum > m[0]) m[0] = sum;
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long wallStart = System.nanoTime();
        Phase p = runPhase(conns, request, expect, cfg.rate, cfg.duration);
        long wallNs = System.nanoTime() - wallStart;

        sampler.interrupt();
        sampler.join();
        long selfTicks = cpuTicks(self) - selfBefore;
        long machineTicks = machineBusyTicks() - machineBefore;
        int reconnects = Arrays.stream(conns).mapToInt(c -> c.reconnects).sum() - reconnectsBefore;
        for (Conn c : conns) c.close();

        report(cfg, p, wallNs, selfTicks, machineTicks, cpuBefore, rssMax, reconnects);
        if (cfg.dump != null) dump(p, cfg.dump);
    }

    /** Raw samples, for looking at when the slow requests happened (periodic stalls, GC, ...). */
    static void dump(Phase p, String file) throws IOException {
        StringBuilder sb = new StringBuilder("intended_ms,send_lag_us,latency_us,ttfb_us,status,outcome\n");
        for (int i = 0; i < p.n; i++) {
            sb.append(String.format(Locale.ROOT, "%.3f,%d,%d,%d,%d,%d%n", (p.intended(i) - p.startNs) / 1e6,
                    p.sendLagNs[i] / 1000, p.latencyNs[i] / 1000, p.ttfbNs[i] / 1000, p.status[i], p.outcome[i]));
        }
        Files.writeString(Path.of(file), sb.toString());
    }

    static long[] ticksOf(List<Integer> pids) {
        long[] t = new long[pids.size()];
        for (int i = 0; i < t.length; i++) t[i] = cpuTicks(pids.get(i));
        return t;
    }

    static Phase runPhase(Conn[] conns, byte[] request, byte[] expect, double rate, double seconds)
            throws InterruptedException {
        // Start slightly in the future so all threads are parked before the first send.
        Phase p = new Phase(System.nanoTime() + 20_000_000L, rate, seconds);
        Thread[] threads = new Thread[conns.length];
        for (int t = 0; t < conns.length; t++) {
            Conn c = conns[t];
            threads[t] = new Thread(() -> worker(p, c, request, expect), "conn-" + t);
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        return p;
    }

    static void worker(Phase p, Conn c, byte[] request, byte[] expect) {
        while (true) {
            long i = p.next.getAndIncrement();
            if (i >= p.n) return;
            int k = (int) i;
            long intended = p.intended(i);
            for (long d = intended - System.nanoTime(); d > 0; d = intended - System.nanoTime()) {
                LockSupport.parkNanos(d);
            }
            long sent = System.nanoTime();
            int now = p.inFlight.incrementAndGet();
            p.maxInFlight.accumulateAndGet(now, Math::max);
            byte outcome;
            try {
                c.exchange(request);
                if (c.status != 200) outcome = BAD_STATUS;
                else if (expect != null && !c.bodyContains(expect)) outcome = BAD_BODY;
                else outcome = OK;
            } catch (SocketTimeoutException e) {
                outcome = TIMEOUT;
                c.close();
            } catch (IOException | RuntimeException e) {
                outcome = IO_ERROR;
                c.close();
            }
            long end = System.nanoTime();
            p.inFlight.decrementAndGet();
            p.sendLagNs[k] = sent - intended;
            p.latencyNs[k] = end - intended;
            p.serviceNs[k] = end - sent;
            p.ttfbNs[k] = (c.firstBodyNs != 0 && outcome != IO_ERROR && outcome != TIMEOUT ? c.firstBodyNs : end) - intended;
            p.status[k] = outcome == IO_ERROR || outcome == TIMEOUT ? 0 : c.status;
            p.outcome[k] = outcome;
        }
    }

    // ---------------------------------------------------------------- reporting

    /** Nearest-rank percentile of a sorted array, in ms. */
    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        int idx = (int) Math.ceil(q / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    static long[] okSorted(Phase p, long[] values) {
        long[] out = new long[p.n];
        int m = 0;
        for (int i = 0; i < p.n; i++) if (p.outcome[i] == OK) out[m++] = values[i];
        out = Arrays.copyOf(out, m);
        Arrays.sort(out);
        return out;
    }

    static void report(Config cfg, Phase p, long wallNs, long selfTicks, long machineTicks, Map<String, long[]> cpuBefore,
                       Map<String, long[]> rssMax, int reconnects) throws IOException {
        Map<String, String> kv = new LinkedHashMap<>();
        int[] counts = new int[5];
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < p.n; i++) {
            counts[p.outcome[i]]++;
            statuses.merge(p.status[i], 1, Integer::sum);
        }
        long[] lat = okSorted(p, p.latencyNs);
        long[] ttfb = okSorted(p, p.ttfbNs);
        long[] svc = okSorted(p, p.serviceNs);
        long[] lag = p.sendLagNs.clone();
        Arrays.sort(lag);
        long late = Arrays.stream(lag).filter(v -> v > 1_000_000L).count();

        kv.put("label", cfg.label);
        kv.put("url", cfg.url);
        kv.put("target_rate", fmt(cfg.rate, 1));
        kv.put("duration_s", fmt(cfg.duration, 1));
        kv.put("connections", String.valueOf(cfg.connections));
        kv.put("requests", String.valueOf(p.n));
        kv.put("achieved_rate", fmt(p.n / (wallNs / 1e9), 1));
        kv.put("ok", String.valueOf(counts[OK]));
        kv.put("bad_status", String.valueOf(counts[BAD_STATUS]));
        kv.put("bad_body", String.valueOf(counts[BAD_BODY]));
        kv.put("io_errors", String.valueOf(counts[IO_ERROR]));
        kv.put("timeouts", String.valueOf(counts[TIMEOUT]));
        kv.put("errors", String.valueOf(p.n - counts[OK]));
        StringBuilder st = new StringBuilder();
        statuses.forEach((code, n) -> st.append(st.length() == 0 ? "" : ",").append(code == 0 ? "none" : code).append(':').append(n));
        kv.put("statuses", st.toString());
        kv.put("reconnects", String.valueOf(reconnects));
        kv.put("max_in_flight", String.valueOf(p.maxInFlight.get()));
        for (double q : new double[] {50, 90, 99, 99.9}) {
            kv.put("lat_p" + qName(q) + "_ms", fmt(pct(lat, q), 3));
        }
        kv.put("lat_max_ms", fmt(pct(lat, 100), 3));
        kv.put("lat_mean_ms", fmt(Arrays.stream(lat).average().orElse(Double.NaN) / 1e6, 3));
        for (double q : new double[] {50, 99}) {
            kv.put("ttfb_p" + qName(q) + "_ms", fmt(pct(ttfb, q), 3));
            kv.put("service_p" + qName(q) + "_ms", fmt(pct(svc, q), 3));
        }
        kv.put("ttfb_max_ms", fmt(pct(ttfb, 100), 3));
        kv.put("send_lag_p50_ms", fmt(pct(lag, 50), 3));
        kv.put("send_lag_p99_ms", fmt(pct(lag, 99), 3));
        kv.put("send_lag_max_ms", fmt(pct(lag, 100), 3));
        kv.put("late_sends_over_1ms", String.valueOf(late));
        kv.put("loadgen_cpu_us_per_req", fmt(selfTicks / CLK_TCK * 1e6 / p.n, 1));
        kv.put("loadgen_cpu_pct", fmt(selfTicks / CLK_TCK / (wallNs / 1e9) * 100, 1));
        long knownTicks = selfTicks;
        for (var e : cfg.watch.entrySet()) {
            String name = e.getKey();
            long[] after = ticksOf(e.getValue());
            long[] before = cpuBefore.get(name);
            long ticks = 0;
            for (int i = 0; i < after.length; i++) ticks += after[i] - before[i];
            knownTicks += ticks;
            long hwm = 0;
            for (int pid : e.getValue()) hwm += Math.max(0, statusKb(pid, "VmHWM"));
            kv.put(name + "_cpu_us_per_req", fmt(ticks / CLK_TCK * 1e6 / p.n, 1));
            kv.put(name + "_cpu_pct", fmt(ticks / CLK_TCK / (wallNs / 1e9) * 100, 1));
            kv.put(name + "_rss_max_kb", String.valueOf(rssMax.get(name)[0]));
            kv.put(name + "_hwm_kb", String.valueOf(hwm));
        }

        // CPU used by processes other than the load generator and the watched ones, in % of one
        // core. Kernel work done for our sockets is mostly accounted as softirq, not counted here.
        double otherPct = (machineTicks - knownTicks) / CLK_TCK / (wallNs / 1e9) * 100;
        kv.put("other_cpu_pct", fmt(Math.max(0, otherPct), 1));

        System.out.printf(Locale.ROOT,
                "%-28s rate=%s/s n=%d ok=%d err=%d  latency p50=%s p90=%s p99=%s p99.9=%s max=%s ms"
                        + "  ttfb p50=%s p99=%s ms  send-lag p99=%s ms  loadgen cpu=%s%%  other cpu=%s%%%n",
                cfg.label, kv.get("target_rate"), p.n, counts[OK], p.n - counts[OK],
                kv.get("lat_p50_ms"), kv.get("lat_p90_ms"), kv.get("lat_p99_ms"), kv.get("lat_p999_ms"),
                kv.get("lat_max_ms"), kv.get("ttfb_p50_ms"), kv.get("ttfb_p99_ms"), kv.get("send_lag_p99_ms"),
                kv.get("loadgen_cpu_pct"), kv.get("other_cpu_pct"));
        if (p.n != counts[OK]) {
            System.out.printf(Locale.ROOT, "%-28s ERRORS: statuses=%s bad_body=%d io_errors=%d timeouts=%d%n",
                    cfg.label, kv.get("statuses"), counts[BAD_BODY], counts[IO_ERROR], counts[TIMEOUT]);
        }
        if (cfg.out != null) {
            StringBuilder sb = new StringBuilder();
            kv.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            Files.writeString(Path.of(cfg.out), sb.toString());
        }
    }

    static String qName(double q) {
        return q == Math.rint(q) ? String.valueOf((int) q) : String.valueOf(q).replace(".", "");
    }

    static String fmt(double v, int decimals) {
        if (Double.isNaN(v)) return "nan";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
