package dev.autogateway.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the learning strategies' state for the life of the gateway: loads it at start, saves it at most every
 * {@value #SAVE_INTERVAL_MS} ms while it changes and once more at stop, and sweeps idle sticky sessions. Requests
 * never wait for it: outcomes go into the {@link HealthStore} where they are observed, and the file is written by
 * Vert.x's file system (worker threads), as a temp file renamed over the old one, so a crash leaves the old file or
 * the new one, never half of one. A missing, unreadable or corrupt file is logged and ignored.
 */
public final class StrategyVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(StrategyVerticle.class);
    static final long SAVE_INTERVAL_MS = 5_000;
    private static final long SWEEP_INTERVAL_MS = 60_000;

    private final HealthStore store;
    private final Cooldowns cooldowns;
    private final StickySessions sessions;
    private final String path;
    private final LongSupplier clock;
    private long savedVersion = -1;
    /** The write in progress, if any; the final write at stop waits for it, so an older state never lands last. */
    private Future<Void> inFlight;
    private long saveTimer = -1;
    private long sweepTimer = -1;

    /** @param path the state file, or null to keep the state in memory only */
    public StrategyVerticle(HealthStore store, Cooldowns cooldowns, StickySessions sessions, String path, LongSupplier clock) {
        this.store = store;
        this.cooldowns = cooldowns;
        this.sessions = sessions;
        this.path = path;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sessions.sweep(clock.getAsLong()));
        if (path == null) {
            return Future.succeededFuture();
        }
        return load().onComplete(ar -> {
            savedVersion = store.version();
            saveTimer = vertx.setPeriodic(SAVE_INTERVAL_MS, id -> save());
        });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        if (path == null) {
            return Future.succeededFuture();
        }
        vertx.cancelTimer(saveTimer);
        Future<Void> pending = inFlight == null ? Future.succeededFuture() : inFlight;
        return pending.eventually(this::save).otherwiseEmpty();
    }

    private Future<Void> load() {
        FileSystem fs = vertx.fileSystem();
        return fs.exists(path).compose(exists -> {
            if (!exists) {
                LOG.info("no routing state at {} yet; starting fresh", path);
                return Future.<Void>succeededFuture();
            }
            return fs.readFile(path).map(content -> {
                StateFile.State state = StateFile.decode(content);
                store.restore(state.targets());
                state.cooldowns().forEach(cooldowns::extendUntil);
                LOG.info("loaded routing state of {} targets from {}", state.targets().size(), path);
                return (Void) null;
            });
        }).recover(e -> {
            LOG.warn("ignoring routing state file {}: it could not be read ({}); starting fresh", path, e.toString());
            return Future.succeededFuture();
        });
    }

    /**
     * Writes the state if it changed since the last write; a write while one is in progress is skipped, not queued.
     * On a worker thread with plain java.nio: Vert.x's file system refuses to work once its own shutdown hook has run,
     * which on SIGTERM is before this verticle's final save.
     */
    Future<Void> save() {
        long version = store.version();
        if (inFlight != null || version == savedVersion) {
            return Future.succeededFuture();
        }
        Buffer content = StateFile.encode(new StateFile.State(store.snapshot(), cooldowns.active()), clock.getAsLong());
        inFlight = vertx.<Void>executeBlocking(() -> {
                    write(content.getBytes());
                    return null;
                })
                .onSuccess(v -> savedVersion = version)
                .onFailure(e -> LOG.warn("could not save routing state to {}: {}", path, e.toString()))
                .eventually(() -> {
                    inFlight = null;
                    return Future.succeededFuture();
                });
        return inFlight;
    }

    /** Temp file, then an atomic rename: a crash mid-write never leaves a torn state file. */
    private void write(byte[] content) throws IOException {
        Path file = Path.of(path).toAbsolutePath();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
