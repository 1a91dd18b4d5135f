package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderValuesTest {
    @Test
    void keeps_printable_ascii_as_it_is() {
        String v = "gpt-4o-mini:2024 (a/b)";
        assertThat(HeaderValues.isSafe(v)).isTrue();
        assertThat(HeaderValues.safe(v)).isSameAs(v);
    }

    @Test
    void encodes_controls_delete_non_ascii_and_percent() {
        assertThat(HeaderValues.isSafe("a\r\nb")).isFalse();
        assertThat(HeaderValues.isSafe("a\tb")).isFalse();
        assertThat(HeaderValues.isSafe("\u007f")).isFalse();
        assertThat(HeaderValues.isSafe("é")).isFalse();
        assertThat(HeaderValues.safe("a\r\nb\t\u007f")).isEqualTo("a%0D%0Ab%09%7F");
        assertThat(HeaderValues.safe("é€")).isEqualTo("%C3%A9%E2%82%AC");
        assertThat(HeaderValues.safe("100%")).isEqualTo("100%25");
    }
}
