package dev.autogateway.network.tunnel;

import io.vertx.core.Future;

/** A running tunnel agent that makes the gateway reachable at a public URL until it is stopped. */
public interface Tunnel {
    /** What {@code server.tunnel: none} starts: no URL, nothing to stop. */
    Tunnel NONE = new Tunnel() {
        @Override
        public String publicUrl() {
            return null;
        }

        @Override
        public Future<Void> stop() {
            return Future.succeededFuture();
        }
    };

    /** The URL the internet reaches the gateway at, such as {@code https://name.trycloudflare.com}; null for {@link #NONE}. */
    String publicUrl();

    /** Ends the agent and every process it started; completes once they are gone. Calling it again is harmless. */
    Future<Void> stop();
}
