package dev.autogateway.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The socket file of a UNIX-domain listener: cleared of a crashed run's leftover, then given its permissions. */
final class UnixSocket {
    private UnixSocket() {}

    /** A stale socket file would make listening fail with "Address already in use". */
    static Future<Void> prepare(Vertx vertx, String path) {
        return vertx.fileSystem().exists(path).compose(exists -> exists
                ? vertx.fileSystem().props(path).compose(props -> props.isOther()
                        ? vertx.fileSystem().delete(path)
                        : Future.failedFuture("server.socket_path: " + path + " exists and is not a socket"))
                : Future.succeededFuture());
    }

    static Future<Void> setMode(Vertx vertx, String path, String mode) {
        return mode == null ? Future.succeededFuture() : vertx.fileSystem().chmod(path, mode);
    }
}
