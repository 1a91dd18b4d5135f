package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogLineTest {

    private static LogLine.Name n(String name) {
        return new LogLine.Name(name);
    }

    private static String text(LogLine l) {
        return new String(l.bytes(), 0, l.length(), StandardCharsets.UTF_8);
    }

    @Test
    void writes_a_json_object_of_strings_numbers_booleans_and_nulls() {
        LogLine l = LogLine.start().field(n("id"), "req-1").field(n("status"), 200).field(n("stream"), false)
                .field(n("model"), (String) null).field(n("latency_ms"), -3).end();
        assertThat(text(l)).isEqualTo("{\"id\":\"req-1\",\"status\":200,\"stream\":false,\"model\":null,\"latency_ms\":-3}");
    }

    @Test
    void writes_every_long_in_its_decimal_digits() {
        for (long v : new long[] {0, 7, 10, 99, 1_000, -1, -10, 1_795_516_865_007L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(text(LogLine.start().field(n("v"), v).end())).isEqualTo("{\"v\":" + v + "}");
        }
    }

    @Test
    void writes_times_as_utc_iso_8601_with_milliseconds() {
        assertThat(text(LogLine.start().time(n("t"), 1_795_516_865_007L).end())).isEqualTo("{\"t\":\"2026-11-24T10:41:05.007Z\"}");
        assertThat(text(LogLine.start().time(n("t"), 1_795_516_865_999L).field(n("n"), 1).end()))
                .isEqualTo("{\"t\":\"2026-11-24T10:41:05.999Z\",\"n\":1}");
        assertThat(text(LogLine.start().time(n("t"), 1_795_516_866_000L).end())).as("the next second")
                .isEqualTo("{\"t\":\"2026-11-24T10:41:06.000Z\"}");
        assertThat(text(LogLine.start().time(n("t"), 0).end())).isEqualTo("{\"t\":\"1970-01-01T00:00:00.000Z\"}");
    }

    @Test
    void escapes_quotes_control_characters_and_non_ascii_as_valid_json() {
        String nasty = "a\"b\\c\nd\u0001é🙂";
        JsonObject parsed = new JsonObject(text(LogLine.start().field(n("model_requested"), nasty).end()));
        assertThat(parsed.getString("model_requested")).isEqualTo(nasty);
    }

    @Test
    void grows_for_long_values_and_starts_empty_each_time() {
        String big = "m".repeat(5000);
        assertThat(new JsonObject(text(LogLine.start().field(n("model"), big).end())).getString("model")).isEqualTo(big);
        assertThat(text(LogLine.start().field(n("n"), 1).end())).isEqualTo("{\"n\":1}");
    }
}
