package dev.autogateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.autogateway.config.ClusterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.regex.Pattern;

/**
 * Starts Vert.x clustered over Hazelcast. The base is {@code cluster.xml} (the jar carries {@code conf/cluster.xml};
 * {@code -Dvertx.hazelcast.config} overrides it); the {@code cluster} config section then sets the name, the
 * address and the TCP-IP members, and multicast stays off: it rarely works in containers or clouds.
 */
public final class ClusterNode {
    private static final Pattern IP = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ClusterNode() {}

    public static Future<Vertx> start(VertxOptions options, VertxMetricsFactory metrics, ClusterConfig cluster) {
        // The event bus must announce an address the other members can reach, not a wildcard.
        options.getEventBusOptions().setHost(cluster.host().equals("0.0.0.0") ? "127.0.0.1" : cluster.host());
        var builder = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(cluster)));
        return (metrics == null ? builder : builder.withMetrics(metrics)).buildClustered();
    }

    static Config hazelcast(ClusterConfig c) {
        Config hz = ConfigUtil.loadConfig()
                .setClusterName(c.name())
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.wait.seconds.before.join", "0")
                .setProperty("hazelcast.logging.type", "slf4j");
        NetworkConfig network = hz.getNetworkConfig().setPort(c.port()).setPortAutoIncrement(false);
        if (IP.matcher(c.host()).matches() && !c.host().equals("0.0.0.0")) {
            network.getInterfaces().setEnabled(true).addInterface(c.host());
            hz.setProperty("hazelcast.local.localAddress", c.host());
            // Hazelcast otherwise listens on every interface whatever it announces: cluster.host 127.0.0.1 must
            // keep the member port off the network.
            hz.setProperty("hazelcast.socket.bind.any", "false");
        } else {
            network.setPublicAddress(c.host() + ":" + c.port());
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
        return hz;
    }
}
