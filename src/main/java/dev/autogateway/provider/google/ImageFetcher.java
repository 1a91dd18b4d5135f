package dev.autogateway.provider.google;

import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Downloads the http(s) images of a request so that they can be sent inline: the Gemini API takes no image URLs
 * (only its own file URIs). Non-blocking, on the caller's context; each image is bounded in size and time and must
 * be served as {@code image/*}. A failure is the request's fault, worded for the client as a 400.
 */
final class ImageFetcher {
    /** Gemini refuses requests over 20 MB of inline data; one image cannot usefully be larger. */
    static final long MAX_BYTES = 20L * 1024 * 1024;
    static final long TIMEOUT_MS = 15_000;

    /** A downloaded image. */
    record Image(byte[] bytes, String mimeType) {}

    private final Vertx vertx;
    private final HttpClientAgent client;

    ImageFetcher(Vertx vertx) {
        this.vertx = vertx;
        this.client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setMaxRedirects(5).setKeepAlive(true).setTcpNoDelay(true))
                .build();
    }

    /** Every URL's image, by URL; fails with the first image that cannot be had. */
    Future<Map<String, Image>> fetchAll(Collection<String> urls, long timeoutMs) {
        if (urls.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        List<String> ordered = new ArrayList<>(urls);
        List<Future<Image>> fetches = ordered.stream().map(u -> fetch(u, timeoutMs)).toList();
        return Future.all(fetches).map(done -> {
            Map<String, Image> out = new LinkedHashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                out.put(ordered.get(i), fetches.get(i).result());
            }
            return out;
        });
    }

    Future<Image> fetch(String url, long timeoutMs) {
        Promise<Image> result = Promise.promise();
        // java.net.URI first: the URL parser behind setAbsoluteURI lets a line break through into the request line.
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return invalid("(unparseable URL)");
        }
        String where = describe(uri);
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setFollowRedirects(true)
                    .setConnectTimeout(timeoutMs).putHeader(HttpHeaders.ACCEPT, "image/*");
        } catch (RuntimeException e) {
            return invalid(where);
        }
        HttpClientRequest[] request = {null};
        long timer = vertx.setTimer(Math.max(1, timeoutMs), id -> {
            if (result.tryFail(failure(where, "it did not arrive within " + timeoutMs + " ms")) && request[0] != null) {
                request[0].reset();
            }
        });
        client.request(options)
                .compose(req -> {
                    request[0] = req;
                    return req.send();
                })
                .compose(resp -> read(resp, where))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        result.tryComplete(ar.result());
                    } else {
                        result.tryFail(ar.cause() instanceof UpstreamFailure f ? f
                                : failure(where, ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage()));
                    }
                });
        return result.future();
    }

    private Future<Image> read(HttpClientResponse resp, String where) {
        if (resp.statusCode() / 100 != 2) {
            resp.request().reset();
            return Future.failedFuture(failure(where, "it answered HTTP " + resp.statusCode()));
        }
        String type = mimeType(resp.getHeader(HttpHeaders.CONTENT_TYPE));
        if (!type.startsWith("image/")) {
            resp.request().reset();
            return Future.failedFuture(failure(where, "it is not an image (content-type '" + type + "')"));
        }
        String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parseLong(length) > MAX_BYTES) {
            resp.request().reset();
            return Future.failedFuture(failure(where, "it is larger than " + MAX_BYTES + " bytes"));
        }
        Promise<Image> image = Promise.promise();
        Buffer body = Buffer.buffer();
        resp.handler(chunk -> {
            body.appendBuffer(chunk);
            if (body.length() > MAX_BYTES && image.tryFail(failure(where, "it is larger than " + MAX_BYTES + " bytes"))) {
                resp.request().reset();
            }
        });
        resp.exceptionHandler(t -> image.tryFail(failure(where, "the download broke: " + t.getMessage())));
        resp.endHandler(v -> image.tryComplete(new Image(body.getBytes(), type)));
        return image.future();
    }

    Future<Void> close() {
        return client.close();
    }

    private static String mimeType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Names the image by host and path only: a signed URL's query string may hold a credential. */
    private static String describe(URI u) {
        return "'" + u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getPath() + "'";
    }

    private static Future<Image> invalid(String where) {
        return Future.failedFuture(GeminiRequestMapper.badRequest("image_url " + where + " is not a valid URL", "messages"));
    }

    private static UpstreamFailure failure(String where, String why) {
        return GeminiRequestMapper.badRequest("Could not use the image at " + where + ": " + why + ".", "messages");
    }
}
