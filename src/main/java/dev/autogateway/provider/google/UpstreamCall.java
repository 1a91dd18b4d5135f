package dev.autogateway.provider.google;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Interceptor;

/**
 * The HTTP call behind one SDK method call, so that the gateway can stop it from another thread. The SDK exposes no
 * handle on its OkHttp calls, but its blocking methods run OkHttp's application interceptors on the calling thread:
 * {@link #bind()} marks the worker thread, and {@link #INTERCEPTOR} (installed on every SDK client) attaches each
 * call made on that thread, and applies the attempt's connect timeout. {@link Call#cancel()} is safe from any thread
 * and wakes a read blocked inside the SDK's stream, which closing the stream would not: its reader holds the lock
 * that {@code close()} waits for.
 */
final class UpstreamCall {
    private static final ThreadLocal<UpstreamCall> CURRENT = new ThreadLocal<>();

    static final Interceptor INTERCEPTOR = chain -> {
        UpstreamCall owner = CURRENT.get();
        if (owner == null) {
            return chain.proceed(chain.request());
        }
        owner.attach(chain.call());
        return chain.withConnectTimeout((int) Math.min(Integer.MAX_VALUE, owner.connectTimeoutMs), TimeUnit.MILLISECONDS)
                .proceed(chain.request());
    };

    private final long connectTimeoutMs;
    private volatile Call call;
    private volatile boolean cancelled;

    UpstreamCall(long connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /** Marks the current thread as making this call until the binding is closed. */
    Binding bind() {
        CURRENT.set(this);
        return CURRENT::remove;
    }

    private void attach(Call c) throws IOException {
        call = c;
        if (cancelled) {
            c.cancel();
            throw new IOException("Canceled");
        }
    }

    /** Stops the call, now or as soon as it starts. Safe from any thread. */
    void cancel() {
        cancelled = true;
        Call c = call;
        if (c != null) {
            c.cancel();
        }
    }

    /** Ends the thread's binding; closing it never throws. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
