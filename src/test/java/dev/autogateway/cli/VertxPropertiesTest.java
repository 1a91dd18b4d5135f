package dev.autogateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class VertxPropertiesTest {
    @Test
    void turns_off_header_validation_and_pools_buffers_by_default() {
        Properties p = new Properties();
        VertxProperties.applyDefaults(p);
        assertThat(p).containsOnly(entry("vertx.disableHttpHeadersValidation", "true"), entry("io.netty.allocator.type", "pooled"));
    }

    @Test
    void keeps_what_the_command_line_set() {
        Properties p = new Properties();
        p.setProperty("vertx.disableHttpHeadersValidation", "false");
        p.setProperty("io.netty.allocator.type", "adaptive");
        VertxProperties.applyDefaults(p);
        assertThat(p).containsEntry("vertx.disableHttpHeadersValidation", "false").containsEntry("io.netty.allocator.type", "adaptive");
    }

    @Test
    void are_what_vertx_read_in_this_jvm() {
        // Main's static initializer sets them in the fat jar; surefire sets the same for the tests.
        assertThat(io.vertx.core.internal.http.HttpHeadersInternal.DISABLE_HTTP_HEADERS_VALIDATION).isTrue();
        assertThat(io.netty.buffer.ByteBufAllocator.DEFAULT).isInstanceOf(io.netty.buffer.PooledByteBufAllocator.class);
    }
}
