package dev.autogateway.provider;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Keeps a request on the event loop that received it. Each provider verticle instance also listens on an address
 * of its own event loop; a caller on that loop sends there, so the hop to the provider and back costs no thread
 * switch. The event bus alone would pick an instance round-robin, on any loop. When no instance lives on the
 * caller's loop (a worker-verticle provider, or fewer instances than loops), the shared address is used.
 */
final class LoopAffinity {
    private static final String MAP = "gw.provider.loops";

    private LoopAffinity() {}

    /** {@code address} as served on the calling thread's event loop. */
    static String onThisLoop(String address) {
        return address + "@" + Thread.currentThread().getName();
    }

    static void register(Vertx vertx, String loopAddress) {
        loops(vertx).put(loopAddress, Boolean.TRUE);
    }

    static void unregister(Vertx vertx, String loopAddress) {
        loops(vertx).remove(loopAddress);
    }

    /** Where a caller on this thread should send a request for {@code address}. */
    static String resolve(Vertx vertx, String address) {
        String local = onThisLoop(address);
        return loops(vertx).containsKey(local) ? local : address;
    }

    private static LocalMap<String, Boolean> loops(Vertx vertx) {
        return vertx.sharedData().getLocalMap(MAP);
    }
}
