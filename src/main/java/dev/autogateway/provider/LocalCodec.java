package dev.autogateway.provider;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable object by reference between verticles of one process: no encoding on the local path. These
 * messages never cross the cluster, so the wire methods refuse.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
    private static final Class<?>[] LOCAL_TYPES = {
        ProviderRequest.class, StreamEvent.Chunk.class, StreamEvent.End.class,
        StreamEvent.Failed.class, StreamEvent.Control.class
    };

    private final String name;

    private LocalCodec(Class<T> type) {
        this.name = "local-" + type.getSimpleName();
    }

    /** Registers the codecs once per Vertx instance. */
    public static synchronized void registerAll(Vertx vertx) {
        if (vertx.sharedData().getLocalMap("autogateway").putIfAbsent("codecs", true) != null) {
            return;
        }
        for (Class<?> type : LOCAL_TYPES) {
            register(vertx, type);
        }
    }

    private static <T> void register(Vertx vertx, Class<T> type) {
        vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        throw new UnsupportedOperationException(name + " is local only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException(name + " is local only");
    }

    @Override
    public T transform(T t) {
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
