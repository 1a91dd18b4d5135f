package dev.autogateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private static final String STREAM = ": keep-alive comment\r\n"
            + "data: {\"a\":1}\r\n\r\n"
            + "event: message\nid: 7\ndata: {\"b\":\n"
            + "data: \"é🙂\"}\n\n"
            + "data:[DONE]\n\n";
    private static final List<String> EVENTS = List.of("{\"a\":1}", "{\"b\":\n\"é🙂\"}", "[DONE]");

    private final List<String> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    @Test
    void splits_events_joins_data_lines_and_skips_comments_and_other_fields() {
        parser.feed(Buffer.buffer(STREAM));
        assertThat(events).isEqualTo(EVENTS);
    }

    @Test
    void gives_the_same_events_however_the_bytes_are_cut() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= 7; size++) {
            events.clear();
            SseParser p = new SseParser(events::add);
            for (int i = 0; i < bytes.length; i += size) {
                p.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(size, bytes.length - i)));
            }
            assertThat(events).as("pieces of %d bytes", size).isEqualTo(EVENTS);
        }
    }

    @Test
    void flushes_an_event_the_upstream_did_not_end_before_closing() {
        parser.feed(Buffer.buffer("data: {\"a\":1}\n\ndata: {\"last\":true}"));
        assertThat(events).containsExactly("{\"a\":1}");
        parser.finish();
        assertThat(events).containsExactly("{\"a\":1}", "{\"last\":true}");
    }

    @Test
    void takes_a_long_event_that_arrives_in_many_pieces() {
        String big = "x".repeat(200_000);
        parser.feed(Buffer.buffer("data: "));
        for (int i = 0; i < big.length(); i += 100) {
            parser.feed(Buffer.buffer(big.substring(i, i + 100)));
        }
        parser.feed(Buffer.buffer("\n\n"));
        assertThat(events).containsExactly(big);
    }

    @Test
    void refuses_a_line_or_an_event_past_the_limit() {
        Buffer line = Buffer.buffer("data: ").appendString("y".repeat(SseParser.MAX_EVENT_BYTES));
        assertThatThrownBy(() -> parser.feed(line)).isInstanceOf(IllegalStateException.class);

        SseParser p = new SseParser(events::add);
        String piece = "data: " + "z".repeat(1024 * 1024) + "\n";
        assertThatThrownBy(() -> {
            for (int i = 0; i < 5; i++) {
                p.feed(Buffer.buffer(piece));
            }
        }).as("many data lines of one event").isInstanceOf(IllegalStateException.class);
    }
}
