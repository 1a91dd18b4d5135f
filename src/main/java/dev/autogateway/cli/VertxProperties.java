package dev.autogateway.cli;

import java.util.Properties;

/**
 * Vert.x and Netty settings they read from system properties once, as their classes load: set here, before anything
 * touches Vert.x. Defaults only: {@code -Dvertx.disableHttpHeadersValidation=false} on the command line brings
 * Vert.x's header checks back, {@code -Dio.netty.allocator.type=adaptive} Netty 4.2's own allocator.
 */
final class VertxProperties {
    /**
     * Vert.x checks every header name and value it parses or writes: about 1 µs of a request's ~27 here
     * (docs/performance.md). The gateway never forwards a client's headers upstream; it writes only headers of its
     * own, with the values a client chose made safe ({@code server.HeaderValues}) and config values checked at load.
     * (Vert.x's context timings stay on, though they cost a clock read per event: the blocked-thread checker needs
     * them, and a test relies on it to show that slow Gemini calls block no event loop.)
     */
    static final String NO_HEADER_VALIDATION = "vertx.disableHttpHeadersValidation";

    /**
     * Netty's pooled buffer allocator (4.1's default) rather than 4.2's adaptive one, for the buffers every request
     * reads and writes: 0.25-0.6 µs less per request here in three rounds, for the same memory (docs/performance.md).
     */
    static final String ALLOCATOR = "io.netty.allocator.type";

    private VertxProperties() {}

    static void applyDefaults(Properties props) {
        props.putIfAbsent(NO_HEADER_VALIDATION, "true");
        props.putIfAbsent(ALLOCATOR, "pooled");
    }
}
