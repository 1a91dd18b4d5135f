package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.Await;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MetricsTest {
    private MockOpenAi primary;
    private MockOpenAi secondary;
    private TestGateway gw;

    @BeforeEach
    void start(Vertx vertx) {
        primary = MockOpenAi.start(vertx);
        secondary = MockOpenAi.start(vertx);
        gw = TestGateway.start(vertx, "{\"server\":{\"api_key\":\"k\"},\"router\":{\"retries\":0},\"providers\":"
                + TestGateway.providers(List.of(primary.baseUrl(), secondary.baseUrl()), "m") + "}");
    }

    @AfterEach
    void stop() {
        gw.close();
        primary.close().await();
        secondary.close().await();
    }

    @Test
    void should_expose_requests_attempts_by_error_class_tokens_and_latency_in_prometheus_format() {
        primary.on("m", MockOpenAi.status(500, MockOpenAi.error("down", "server_error", null)));
        JsonObject body = new JsonObject().put("model", "m").put("messages", ChatCompletionsProxyTest.userMessage());
        assertThat(gw.post("/v1/chat/completions", body, "Authorization", "Bearer k").status()).isEqualTo(200);
        assertThat(gw.post("/v1/chat/completions", body.copy().put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true)), "Authorization", "Bearer k").status()).isEqualTo(200);

        TestGateway.Response r = gw.get("/metrics");
        assertThat(r.status()).as("scraped without a client key, like /health").isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/plain");
        String scrape = r.body().toString();
        assertThat(TestGateway.metric(scrape, "gateway_requests_total{model=\"m\",provider=\"p1\",status=\"200\",stream=\"false\"}")).isEqualTo(1);
        assertThat(TestGateway.metric(scrape, "gateway_requests_total{model=\"m\",provider=\"p1\",status=\"200\",stream=\"true\"}")).isEqualTo(1);
        assertThat(TestGateway.metric(scrape, "gateway_attempts_total{model=\"m\",provider=\"p0\",result=\"server_error\"}")).isEqualTo(2);
        assertThat(TestGateway.metric(scrape, "gateway_attempts_total{model=\"m\",provider=\"p1\",result=\"success\"}")).isEqualTo(2);
        assertThat(TestGateway.metric(scrape, "gateway_tokens_total{direction=\"in\",model=\"m\",provider=\"p1\"}")).isEqualTo(10);
        assertThat(TestGateway.metric(scrape, "gateway_tokens_total{direction=\"out\",model=\"m\",provider=\"p1\"}")).isEqualTo(14);
        assertThat(TestGateway.metric(scrape, "gateway_request_duration_seconds_count{model=\"m\",provider=\"p1\"}")).isEqualTo(2);
        assertThat(scrape).contains("gateway_ttft_seconds_bucket", "gateway_open_circuits", "gateway_streams_in_flight 0.0",
                "gateway_stream_recoveries_total{result=\"recovered\"} 0.0", "gateway_stream_recoveries_total{result=\"failed\"} 0.0");
    }

    @Test
    void should_label_a_wildcard_models_requests_by_its_configured_name_not_the_clients(Vertx vertx) {
        TestGateway any = TestGateway.start(vertx, "{\"providers\":[{\"name\":\"e\",\"type\":\"echo\",\"models\":[\"*\"]}]}");
        try {
            for (String model : List.of("client-made-up-1", "client-made-up-2")) {
                TestGateway.Response r = any.post("/v1/chat/completions", new JsonObject().put("model", model)
                        .put("messages", ChatCompletionsProxyTest.userMessage()));
                assertThat(r.header("x-gateway-model")).as("the answer still names the model that served it").isEqualTo(model);
            }
            String scrape = any.get("/metrics").body().toString();
            assertThat(TestGateway.metric(scrape, "gateway_requests_total{model=\"*\",provider=\"e\",status=\"200\",stream=\"false\"}")).isEqualTo(2);
            assertThat(TestGateway.metric(scrape, "gateway_attempts_total{model=\"*\",provider=\"e\",result=\"success\"}")).isEqualTo(2);
            assertThat(scrape).doesNotContain("client-made-up");
        } finally {
            any.close();
        }
    }

    /** Sends a chat request on a raw socket and closes it before any answer. */
    private void leaveBeforeTheAnswer() throws Exception {
        byte[] body = new JsonObject().put("model", "m").put("messages", ChatCompletionsProxyTest.userMessage()).toBuffer().getBytes();
        try (Socket client = new Socket("127.0.0.1", gw.port())) {
            client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes());
            client.getOutputStream().write(body);
            client.getOutputStream().flush();
            // Leave once the upstream has the request, not after a guessed while.
            Await.until("the upstream got the request", () -> !primary.requests().isEmpty());
        }
    }

    @Test
    void should_stop_the_upstream_call_when_the_client_leaves_before_its_answer() throws Exception {
        CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
        primary.on("m", (v, req, body) -> req.connection().closeHandler(x -> upstreamClosed.complete(null)));
        leaveBeforeTheAnswer();
        long left = System.nanoTime();
        upstreamClosed.get(5, TimeUnit.SECONDS);
        assertThat((System.nanoTime() - left) / 1_000_000).as("at once, not at the 30 s attempt timeout").isLessThan(2_000);
    }

    @Test
    void should_count_a_client_that_left_before_its_answer_as_499_not_200() throws Exception {
        primary.on("m", MockOpenAi.hang());
        leaveBeforeTheAnswer();
        String series = "gateway_requests_total{model=\"m\",provider=\"p0\",status=\"499\",stream=\"false\"}";
        Await.until(series + " counted", () -> gw.metric(series) >= 1);
        assertThat(gw.get("/metrics").body().toString()).doesNotContain("status=\"200\"");
    }
}
