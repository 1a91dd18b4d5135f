package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.testing.MockOpenAi;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class LifecycleTest {
    @TempDir
    Path dir;

    private static Gateway start(Vertx vertx, String json) {
        return Gateway.start(vertx, ConfigLoader.parse(json, Map.of()), 2).await();
    }

    private static String echoConfig(String server) {
        return "{\"server\":" + server + ",\"providers\":[{\"name\":\"e\",\"type\":\"echo\",\"models\":[\"echo\"]}]}";
    }

    @Test
    void should_serve_over_a_unix_socket_replacing_a_stale_one_and_removing_it_on_stop(Vertx vertx) throws Exception {
        Path socket = dir.resolve("gw.sock");
        // A crashed run leaves its socket file behind.
        try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        Gateway gw = start(vertx, echoConfig("{\"socket_path\":\"" + socket + "\",\"socket_mode\":\"rw-rw----\"}"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        HttpClient client = vertx.createHttpClient();
        String body = client.request(new RequestOptions().setServer(SocketAddress.domainSocketAddress(socket.toString()))
                        .setHost("localhost").setMethod(HttpMethod.POST).setURI("/v1/chat/completions"))
                .compose(req -> req.send(new JsonObject().put("model", "echo")
                        .put("messages", ChatCompletionsProxyTest.userMessage()).toBuffer()))
                .compose(HttpClientResponse::body).await().toString();
        assertThat(new JsonObject(body).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"))
                .isEqualTo("Echo: hi");

        gw.stop().await();
        assertThat(socket).doesNotExist();
    }

    @Test
    void should_refuse_to_replace_a_file_that_is_not_a_socket(Vertx vertx) throws Exception {
        Path notASocket = Files.writeString(dir.resolve("data.txt"), "keep me");
        assertThatThrownBy(() -> start(vertx, echoConfig("{\"socket_path\":\"" + notASocket + "\"}")))
                .hasMessageContaining("is not a socket");
        assertThat(notASocket).hasContent("keep me");
    }

    @Test
    void should_finish_an_in_flight_stream_while_draining(Vertx vertx) throws Exception {
        MockOpenAi upstream = MockOpenAi.start(vertx);
        upstream.on("slow", MockOpenAi.events(150,
                MockOpenAi.chunk(new JsonObject().put("model", "slow"), new JsonObject().put("role", "assistant").put("content", "a"), null).encode(),
                MockOpenAi.chunk(new JsonObject().put("model", "slow"), new JsonObject().put("content", "b"), null).encode(),
                MockOpenAi.chunk(new JsonObject().put("model", "slow"), new JsonObject().put("content", "c"), "stop").encode(),
                "[DONE]"));
        Gateway gw = start(vertx, "{\"server\":{\"port\":0,\"drain_timeout\":5},\"providers\":[{\"name\":\"u\",\"type\":\"openai_compatible\","
                + "\"base_url\":\"" + upstream.baseUrl() + "\",\"models\":[\"slow\"]}]}");
        HttpClient client = vertx.createHttpClient();
        CompletableFuture<String> streamed = new CompletableFuture<>();
        CompletableFuture<Void> started = new CompletableFuture<>();
        client.request(new RequestOptions().setPort(gw.port()).setHost("127.0.0.1").setMethod(HttpMethod.POST).setURI("/v1/chat/completions"))
                .compose(req -> req.send(new JsonObject().put("model", "slow").put("stream", true)
                        .put("messages", ChatCompletionsProxyTest.userMessage()).toBuffer()))
                .onSuccess(resp -> {
                    Buffer all = Buffer.buffer();
                    resp.handler(b -> {
                        all.appendBuffer(b);
                        started.complete(null);
                    });
                    resp.endHandler(v -> streamed.complete(all.toString()));
                    resp.exceptionHandler(streamed::completeExceptionally);
                });
        started.get(5, TimeUnit.SECONDS);

        var stopped = gw.stop();
        assertThat(streamed.get(5, TimeUnit.SECONDS)).as("the stream in flight ran to its end").endsWith("data: [DONE]\n\n");
        stopped.await();
        upstream.close().await();
    }
}
