package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

    @Test
    void writes_queued_lines_in_order_one_per_line() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter w = new AccessLogWriter(out, 1024);
        w.write(LogLine.start().field(new LogLine.Name("a"), 1).end());
        w.write(LogLine.start().field(new LogLine.Name("b"), "x").field(new LogLine.Name("c"), true).end());
        assertThat(out.size()).as("nothing is written on the caller's thread").isZero();
        w.drain();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":\"x\",\"c\":true}\n");
    }

    @Test
    void drops_lines_past_its_bound_and_says_how_many() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter w = new AccessLogWriter(out, 16);
        for (int i = 0; i < 5; i++) {
            w.write(LogLine.start().field(new LogLine.Name("n"), i).end());
        }
        w.drain();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"access_log_dropped\":3}\n{\"n\":0}\n{\"n\":1}\n");
        w.write(LogLine.start().field(new LogLine.Name("n"), 5).end());
        w.drain();
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("{\"n\":1}\n{\"n\":5}\n");
    }

    @Test
    void keeps_each_threads_lines_and_loses_none_written_while_it_drains() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter w = new AccessLogWriter(out, 1 << 20);
        Thread[] writers = new Thread[3];
        for (int t = 0; t < writers.length; t++) {
            int id = t;
            writers[t] = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    w.write(LogLine.start().field(new LogLine.Name("t"), id).field(new LogLine.Name("i"), i).end());
                }
            });
            writers[t].start();
        }
        for (int i = 0; i < 50; i++) {
            w.drain();
        }
        for (Thread t : writers) {
            t.join();
        }
        w.drain();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(6000);
        for (int t = 0; t < writers.length; t++) {
            String prefix = "{\"t\":" + t + ",";
            assertThat(java.util.Arrays.stream(lines).filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())))
                    .as("thread %d's lines, in order", t)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "\"i\":" + i + "}").toList());
        }
    }
}
