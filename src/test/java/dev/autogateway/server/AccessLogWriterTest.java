package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

    @Test
    void writes_queued_lines_in_order_one_per_line() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter w = new AccessLogWriter(out, 10);
        w.write("{\"a\":1}");
        w.write("{\"b\":2}");
        assertThat(out.size()).as("nothing is written on the caller's thread").isZero();
        w.drain();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }

    @Test
    void drops_lines_past_its_bound_and_says_how_many() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter w = new AccessLogWriter(out, 2);
        for (int i = 0; i < 5; i++) {
            w.write("{\"n\":" + i + "}");
        }
        w.drain();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"access_log_dropped\":3}\n{\"n\":0}\n{\"n\":1}\n");
        w.write("{\"n\":5}");
        w.drain();
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("{\"n\":1}\n{\"n\":5}\n");
    }
}
