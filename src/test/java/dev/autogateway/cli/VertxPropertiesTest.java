package dev.autogateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class VertxPropertiesTest {
    @Test
    void turns_off_header_validation_by_default() {
        Properties p = new Properties();
        VertxProperties.applyDefaults(p);
        assertThat(p).containsOnly(org.assertj.core.api.Assertions.entry("vertx.disableHttpHeadersValidation", "true"));
    }

    @Test
    void keeps_what_the_command_line_set() {
        Properties p = new Properties();
        p.setProperty("vertx.disableHttpHeadersValidation", "false");
        VertxProperties.applyDefaults(p);
        assertThat(p).containsEntry("vertx.disableHttpHeadersValidation", "false");
    }

    @Test
    void are_what_vertx_read_in_this_jvm() {
        // Main's static initializer sets them in the fat jar; surefire sets the same for the tests.
        assertThat(io.vertx.core.internal.http.HttpHeadersInternal.DISABLE_HTTP_HEADERS_VALIDATION).isTrue();
    }
}
