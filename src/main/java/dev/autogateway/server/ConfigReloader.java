package dev.autogateway.server;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: vertx-config watches the config file, and {@link #reloadNow} serves SIGHUP. A new config is validated
 * like at start; an invalid one is rejected with a log line naming every problem, and the running one stays.
 */
public final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Vertx vertx;
    private final Gateway gateway;
    private final Path file;
    private final Map<String, String> env;
    private ConfigRetriever retriever;

    private ConfigReloader(Vertx vertx, Gateway gateway, Path file, Map<String, String> env) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.file = file;
        this.env = env;
    }

    /** Watches {@code file} every {@code intervalMs} (0: no watch, {@link #reloadNow} only). */
    public static Future<ConfigReloader> watch(Vertx vertx, Gateway gateway, Path file, Map<String, String> env, long intervalMs) {
        ConfigReloader reloader = new ConfigReloader(vertx, gateway, file, env);
        if (intervalMs <= 0) {
            return Future.succeededFuture(reloader);
        }
        reloader.retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
                .setScanPeriod(intervalMs)
                .addStore(new ConfigStoreOptions().setType("file").setFormat("json")
                        .setConfig(new JsonObject().put("path", file.toString()))));
        // The first read is the baseline the gateway started from; only changes after it are applied.
        return reloader.retriever.getConfig().map(baseline -> {
            reloader.retriever.listen(change -> reloader.apply(change.getNewConfiguration().encode()));
            reloader.retriever.configStream().exceptionHandler(e ->
                    LOG.error("config reload rejected, keeping the running config: {}: {}", file, e.getMessage()));
            return reloader;
        });
    }

    /** Re-reads the file now (SIGHUP). */
    public Future<Void> reloadNow() {
        return vertx.fileSystem().readFile(file.toString())
                .compose(buffer -> apply(buffer.toString()))
                .onFailure(e -> LOG.error("config reload failed: {}: {}", file, e.getMessage()));
    }

    private Future<Void> apply(String json) {
        GatewayConfig next;
        try {
            next = ConfigLoader.parse(json, env);
        } catch (ConfigException e) {
            LOG.error("config reload rejected, keeping the running config ({}):\n  {}", file, String.join("\n  ", e.problems()));
            return Future.succeededFuture();
        }
        return gateway.reload(next).onFailure(e -> LOG.error("config reload failed, keeping the running config: {}", e.getMessage()));
    }

    public void close() {
        if (retriever != null) {
            retriever.close();
        }
    }
}
