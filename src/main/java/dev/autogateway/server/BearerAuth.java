package dev.autogateway.server;

import dev.autogateway.openai.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Supplier;

/** Requires {@code Authorization: Bearer <key>} for one of the configured server keys, compared in constant time. */
final class BearerAuth implements Handler<RoutingContext> {
    private final Supplier<Routing> routing;

    BearerAuth(Supplier<Routing> routing) {
        this.routing = routing;
    }

    @Override
    public void handle(RoutingContext rc) {
        List<byte[]> keys = routing.get().clientKeys();
        if (keys.isEmpty()) {
            rc.next();
            return;
        }
        String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && matches(keys, header.substring(7).trim())) {
            rc.next();
            return;
        }
        String message = header == null
                ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                : "Incorrect API key provided.";
        Exchange.of(rc).error(new ApiError(401, message, "invalid_request_error", null, "invalid_api_key"));
    }

    /** Checks every key, whatever matched, so timing says nothing about which key or how much of it was right. */
    private static boolean matches(List<byte[]> keys, String given) {
        byte[] candidate = given.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] key : keys) {
            ok |= MessageDigest.isEqual(candidate, key);
        }
        return ok;
    }
}
