package dev.autogateway.network.tunnel;

/** A tunnel agent that could not be run or gave no public URL; the message says which and why, never a secret. */
public final class TunnelException extends RuntimeException {
    TunnelException(String message) {
        super(message);
    }
}
