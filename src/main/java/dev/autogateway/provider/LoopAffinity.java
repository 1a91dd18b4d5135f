package dev.autogateway.provider;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a request on the event loop that received it. Each provider verticle instance also listens on an address
 * of its own event loop; a caller on that loop sends there, so the hop to the provider and back costs no thread
 * switch. The event bus alone would pick an instance round-robin, on any loop. When no instance lives on the
 * caller's loop (a worker-verticle provider, or fewer instances than loops), the shared address is used.
 */
final class LoopAffinity {
    private static final String MAP = "gw.provider.loops";
    /** Bumped by every (un)registration: a thread's cached answers are good until it changes. */
    private static final AtomicLong VERSION = new AtomicLong();
    private static final FastThreadLocal<Resolved> RESOLVED = new FastThreadLocal<>() {
        @Override
        protected Resolved initialValue() {
            return new Resolved();
        }
    };

    /** One thread's answers of {@link #resolve}, as of {@code version}. */
    private static final class Resolved {
        final Map<String, String> addresses = new HashMap<>();
        long version = -1;
    }

    private LoopAffinity() {}

    /** {@code address} as served on the calling thread's event loop. */
    static String onThisLoop(String address) {
        return address + "@" + Thread.currentThread().getName();
    }

    static void register(Vertx vertx, String loopAddress) {
        loops(vertx).put(loopAddress, Boolean.TRUE);
        VERSION.incrementAndGet();
    }

    static void unregister(Vertx vertx, String loopAddress) {
        loops(vertx).remove(loopAddress);
        VERSION.incrementAndGet();
    }

    /** Where a caller on this thread should send a request for {@code address}; worked out once per thread. */
    static String resolve(Vertx vertx, String address) {
        Resolved r = RESOLVED.get();
        long version = VERSION.get();
        if (r.version != version) {
            r.addresses.clear();
            r.version = version;
        }
        return r.addresses.computeIfAbsent(address, a -> {
            String local = onThisLoop(a);
            return loops(vertx).containsKey(local) ? local : a;
        });
    }

    private static LocalMap<String, Boolean> loops(Vertx vertx) {
        return vertx.sharedData().getLocalMap(MAP);
    }
}
