package dev.autogateway.provider.openai;

import io.vertx.core.net.SocketAddress;
import java.net.URI;

/** Where a provider's {@code base_url} points, resolved once at deploy time. */
record UpstreamEndpoint(String host, int port, boolean ssl, String completionsPath) {

    /** The host name as given: Vert.x's resolver still looks it up for each new connection. */
    SocketAddress address() {
        return SocketAddress.inetSocketAddress(port, host);
    }

    static UpstreamEndpoint of(URI baseUrl) {
        boolean ssl = "https".equals(baseUrl.getScheme());
        int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : (ssl ? 443 : 80);
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        return new UpstreamEndpoint(baseUrl.getHost(), port, ssl, path + "/chat/completions");
    }
}
