package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.provider.ErrorClass;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class StrategyVerticleTest {
    @TempDir
    Path dir;

    private final RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}", "a", "b");

    private String deploy(Vertx vertx, HealthStore store, Cooldowns cooldowns, Path file) {
        return vertx.deployVerticle(new StrategyVerticle(store, cooldowns, new StickySessions(), file.toString(), f.clock)).await();
    }

    @Test
    void saves_at_stop_and_loads_at_start_ewma_included_and_never_a_key(Vertx vertx) throws Exception {
        Path file = dir.resolve("nested/state.json");
        Cooldowns cooldowns = new Cooldowns(f.clock);
        String id = deploy(vertx, f.store, cooldowns, file);
        f.store.record(f.t("a"), AttemptOutcome.success(400, 120), f.now.get(), 60_000);
        f.store.record(f.t("a"), AttemptOutcome.success(200, 60), f.now.get(), 60_000);
        f.store.record(f.t("b"), AttemptOutcome.failure(ErrorClass.NETWORK, 10), f.now.get(), 60_000);
        cooldowns.coolKey(f.t("b"), 60_000);
        vertx.undeploy(id).await();

        String saved = Files.readString(file);
        assertThat(saved).doesNotContain("sk-a").doesNotContain("sk-b").contains(f.t("a").key().fingerprint());
        assertThat(Files.list(file.getParent())).as("no temp file left behind").hasSize(1);

        HealthStore fresh = HealthStore.inMemory();
        Cooldowns freshCooldowns = new Cooldowns(f.clock);
        deploy(vertx, fresh, freshCooldowns, file);
        TargetStats a = fresh.get(f.t("a").id());
        assertThat(a.successes()).isEqualTo(2);
        assertThat(a.ewmaLatencyMs()).isEqualTo(0.3 * 200 + 0.7 * 400);
        assertThat(a.ewmaTtftMs()).isEqualTo(0.3 * 60 + 0.7 * 120);
        assertThat(a.recentSuccesses()).isEqualTo(2);
        TargetStats b = fresh.get(f.t("b").id());
        assertThat(b.consecutiveFailures()).isEqualTo(1);
        assertThat(b.recentAttempts()).isEqualTo(1);
        assertThat(b.recentSuccesses()).isZero();
        assertThat(freshCooldowns.remainingMs(f.t("b"))).isEqualTo(60_000);
    }

    @Test
    void saves_while_running_at_most_every_few_seconds(Vertx vertx) throws Exception {
        Path file = dir.resolve("state.json");
        deploy(vertx, f.store, new Cooldowns(f.clock), file);
        f.store.record(f.t("a"), AttemptOutcome.success(400, 400), f.now.get(), 60_000);
        long deadline = System.currentTimeMillis() + StrategyVerticle.SAVE_INTERVAL_MS + 3_000;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(new JsonObject(Files.readString(file)).getJsonObject("targets").fieldNames()).contains(f.t("a").id());
    }

    @Test
    void ignores_a_corrupt_file_and_replaces_it_with_a_good_one(Vertx vertx) throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"version\":1,\"targets\":{\"x\":");
        String id = deploy(vertx, f.store, new Cooldowns(f.clock), file);
        assertThat(f.store.snapshot()).isEmpty();
        f.store.record(f.t("a"), AttemptOutcome.success(400, 400), f.now.get(), 60_000);
        vertx.undeploy(id).await();
        assertThat(new JsonObject(Files.readString(file)).getInteger("version")).isEqualTo(1);
    }

    @Test
    void ignores_a_file_of_another_version_and_starts_fresh_without_one(Vertx vertx) throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"version\":99,\"targets\":{\"" + f.t("a").id() + "\":{\"attempts\":5,\"successes\":5}}}");
        deploy(vertx, f.store, new Cooldowns(f.clock), file);
        assertThat(f.store.snapshot()).as("a target of a version-99 file is not loaded").isEmpty();

        HealthStore fresh = HealthStore.inMemory();
        Path missing = dir.resolve("missing/state.json");
        String id = deploy(vertx, fresh, new Cooldowns(f.clock), missing);
        assertThat(fresh.snapshot()).isEmpty();
        fresh.record(f.t("a"), AttemptOutcome.success(400, 400), f.now.get(), 60_000);
        vertx.undeploy(id).await();
        assertThat(new JsonObject(Files.readString(missing)).getJsonObject("targets").fieldNames())
                .as("its directory made, the file is written at stop").containsExactly(f.t("a").id());
    }
}
