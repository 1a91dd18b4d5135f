package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.testing.Await;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class HotReloadTest {
    @TempDir
    Path dir;

    private static String config(String key, MockOpenAi upstream, String... models) {
        return new JsonObject()
                .put("server", new JsonObject().put("port", 0).put("api_key", key).put("drain_timeout", 3).put("reload_interval", 0.1))
                .put("providers", new JsonArray().add(new JsonObject().put("name", "u").put("type", "openai_compatible")
                        .put("base_url", upstream.baseUrl()).put("models", new JsonArray(java.util.List.of(models)))))
                .encode();
    }

    private static TestGateway.Response post(int port, String key, String model) {
        return TestGateway.call(port, HttpMethod.POST, "/v1/chat/completions", new JsonObject().put("model", model)
                .put("messages", ChatCompletionsProxyTest.userMessage()).toBuffer(), "Authorization", "Bearer " + key);
    }

    @Test
    void should_apply_a_changed_config_file_without_failing_requests_in_flight(Vertx vertx) throws Exception {
        MockOpenAi before = MockOpenAi.start(vertx);
        MockOpenAi after = MockOpenAi.start(vertx);
        before.on("slow", MockOpenAi.events(300,
                MockOpenAi.chunk(new JsonObject().put("model", "slow"), new JsonObject().put("role", "assistant").put("content", "still "), null).encode(),
                MockOpenAi.chunk(new JsonObject().put("model", "slow"), new JsonObject().put("content", "here"), null).encode(),
                MockOpenAi.chunk(new JsonObject().put("model", "slow"), new JsonObject(), "stop").encode(),
                "[DONE]"));
        Path file = Files.writeString(dir.resolve("config.json"), config("old-key", before, "slow"));
        Gateway gw = Gateway.start(vertx, ConfigLoader.load(file, Map.of()), 2).await();
        ConfigReloader reloader = ConfigReloader.watch(vertx, gw, file, Map.of(), 100).await();
        HttpClient http = vertx.createHttpClient();

        // A stream in flight on the old config...
        CompletableFuture<String> inFlight = new CompletableFuture<>();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gw.port())
                        .setURI("/v1/chat/completions").putHeader("Authorization", "Bearer old-key"))
                .compose(req -> req.send(new JsonObject().put("model", "slow").put("stream", true)
                        .put("messages", ChatCompletionsProxyTest.userMessage()).toBuffer()))
                .onSuccess(resp -> {
                    Buffer all = Buffer.buffer();
                    resp.handler(all::appendBuffer);
                    resp.endHandler(v -> inFlight.complete(all.toString()));
                });
        Thread.sleep(200);

        // ...while the file changes: another upstream, another model, another client key.
        Files.writeString(file, config("new-key", after, "fresh"));
        Await.until("the new config applied", () -> post(gw.port(), "new-key", "fresh").status() == 200);
        assertThat(after.requests()).isNotEmpty();
        assertThat(post(gw.port(), "old-key", "fresh").status()).as("the old client key is gone").isEqualTo(401);
        assertThat(post(gw.port(), "new-key", "slow").status()).as("the old model is gone").isEqualTo(404);
        assertThat(inFlight.get(5, TimeUnit.SECONDS)).as("the request in flight finished on the old config")
                .contains("still ", "here").endsWith("data: [DONE]\n\n");

        // An invalid config is refused and the running one stays.
        Files.writeString(file, "{\"providers\":[]}");
        Thread.sleep(500);
        assertThat(post(gw.port(), "new-key", "fresh").status()).isEqualTo(200);

        // SIGHUP's path: re-read now.
        reloader.close();
        Files.writeString(file, config("hup-key", after, "fresh"));
        ConfigReloader.watch(vertx, gw, file, Map.of(), 0).await().reloadNow().await();
        assertThat(post(gw.port(), "hup-key", "fresh").status()).isEqualTo(200);

        gw.stop().await();
        before.close().await();
        after.close().await();
    }
}
