package dev.autogateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autogateway.config.ClusterConfig;
import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.server.Gateway;
import dev.autogateway.testing.FreePorts;
import dev.autogateway.testing.MockOpenAi;
import dev.autogateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Three gateway instances, each in its own clustered Vertx on 127.0.0.1, sharing routing health. */
@ExtendWith(VertxExtension.class)
class ClusterHealthTest {
    /** Free ports, not fixed ones, which would clash with anything else listening there (another build's cluster). */
    private static final int[] PORTS = FreePorts.take(3);
    private static final List<String> MEMBERS = Arrays.stream(PORTS).mapToObj(p -> "127.0.0.1:" + p).toList();

    private final List<Vertx> nodes = new ArrayList<>();
    private MockOpenAi primary;
    private MockOpenAi secondary;

    @AfterEach
    void stop() {
        for (Vertx v : nodes) {
            v.close().await();
        }
        // The mocks run on the test's Vert.x, which the extension closes.
    }

    private record Node(Vertx vertx, Gateway gateway) {
        /** What this instance knows of provider p0's target, from its admin endpoint. */
        JsonObject primary() {
            JsonObject report = TestGateway.call(gateway.port(), HttpMethod.GET, "/admin/targets", null).json();
            return report.getJsonArray("data").stream().map(o -> (JsonObject) o)
                    .filter(t -> "p0".equals(t.getString("provider"))).findFirst().orElseThrow();
        }

        String primaryCircuit() {
            return primary().getString("circuit");
        }

        long primaryCoolingMs() {
            return primary().getLong("cooling_ms");
        }

        String provider(JsonObject request) {
            TestGateway.Response r = TestGateway.call(gateway.port(), HttpMethod.POST, "/v1/chat/completions",
                    request.toBuffer());
            assertThat(r.status()).isEqualTo(200);
            return r.header("x-gateway-provider");
        }
    }

    private Node node(int index) {
        GatewayConfig config = ConfigLoader.parse(new JsonObject()
                .put("server", new JsonObject().put("port", 0))
                .put("router", new JsonObject().put("retries", 0).put("circuit_failures", 2).put("circuit_reset", 60))
                .put("providers", new JsonArray()
                        .add(provider("p0", primary.baseUrl()))
                        .add(provider("p1", secondary.baseUrl())))
                .encode(), Map.of());
        ClusterConfig cluster = new ClusterConfig(true, "gw-test", "127.0.0.1", PORTS[index], MEMBERS);
        Vertx vertx = ClusterNode.start(new VertxOptions(), null, cluster).await();
        nodes.add(vertx);
        Gateway gw = Gateway.start(vertx, config.withCluster(cluster), 1).await();
        return new Node(vertx, gw);
    }

    private static JsonObject provider(String name, String baseUrl) {
        return new JsonObject().put("name", name).put("type", "openai_compatible").put("base_url", baseUrl)
                .put("api_key", "sk-" + name).put("models", new JsonArray().add("m"));
    }

    private static JsonObject ask() {
        return new JsonObject().put("model", "m").put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    }

    /** Polls up to five seconds: the news crosses the cluster asynchronously. */
    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void should_listen_for_members_only_on_the_configured_address(Vertx vertx) throws Exception {
        primary = MockOpenAi.start(vertx);
        secondary = MockOpenAi.start(vertx);
        node(0);
        new Socket("127.0.0.1", PORTS[0]).close(); // throws if the member port is not on the configured address
        InetAddress other = NetworkInterface.networkInterfaces().filter(i -> !isLoopback(i))
                .flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst().orElse(null);
        Assumptions.assumeTrue(other != null, "this machine has no address besides loopback");
        assertThatThrownBy(() -> new Socket(other, PORTS[0]).close()).as("member port on " + other)
                .isInstanceOf(ConnectException.class);
    }

    private static boolean isLoopback(NetworkInterface i) {
        try {
            return i.isLoopback() || !i.isUp();
        } catch (SocketException e) {
            return true;
        }
    }

    @Test
    void should_share_cool_downs_and_open_circuits_across_instances_including_late_joiners(Vertx vertx) throws Exception {
        primary = MockOpenAi.start(vertx);
        secondary = MockOpenAi.start(vertx);
        Node a = node(0);
        Node b = node(1);

        // A rate limit seen by A cools the primary down on B within a second.
        primary.on("m", MockOpenAi.status(429, MockOpenAi.error("slow down", "requests", "rate_limit_exceeded"), "Retry-After", "30"));
        assertThat(a.provider(ask())).isEqualTo("p1");
        eventually(() -> assertThat(b.primaryCoolingMs()).isGreaterThan(25_000));
        assertThat(b.provider(ask())).isEqualTo("p1");
        assertThat(primary.requests()).as("B never sent the primary a request inside its Retry-After").hasSize(1);

        // An instance that joins late receives the current state before it serves.
        Node c = node(2);
        assertThat(c.primaryCoolingMs()).as("received with the snapshot on joining").isGreaterThan(25_000);
        assertThat(c.provider(ask())).isEqualTo("p1");
        assertThat(primary.requests()).hasSize(1);

        // An instance leaving does not disturb the others.
        a.vertx().close().await();
        nodes.remove(a.vertx());
        assertThat(b.provider(ask())).isEqualTo("p1");
        assertThat(c.provider(ask())).isEqualTo("p1");
    }

    @Test
    void should_open_a_failing_targets_circuit_on_every_instance(Vertx vertx) throws Exception {
        primary = MockOpenAi.start(vertx);
        secondary = MockOpenAi.start(vertx);
        Node a = node(0);
        Node b = node(1);
        primary.on("m", MockOpenAi.status(500, MockOpenAi.error("down", "server_error", null)));
        assertThat(a.provider(ask())).isEqualTo("p1");
        assertThat(a.provider(ask())).isEqualTo("p1");
        int seenByPrimary = primary.requests().size();
        assertThat(seenByPrimary).isEqualTo(2);
        eventually(() -> assertThat(b.primaryCircuit()).isEqualTo("open"));
        assertThat(b.provider(ask())).isEqualTo("p1");
        assertThat(primary.requests()).as("B skips the target whose circuit A opened").hasSize(seenByPrimary);
    }
}
