package dev.autogateway.provider;

import java.util.Locale;

/** Why an attempt failed: classified once, where the failure is seen, and read by the router and strategies. */
public enum ErrorClass {
    RATE_LIMIT,
    QUOTA,
    AUTH,
    CONTEXT_LENGTH,
    CONTENT_POLICY,
    CLIENT_ERROR,
    SERVER_ERROR,
    OVERLOADED,
    NETWORK,
    TIMEOUT_CONNECT,
    TIMEOUT_FIRST_TOKEN,
    STALL,
    STREAM_CUT,
    MALFORMED,
    /** The request's total budget ran out while this attempt was in flight. */
    TIMEOUT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTimeout() {
        return this == TIMEOUT_CONNECT || this == TIMEOUT_FIRST_TOKEN || this == STALL || this == TIMEOUT;
    }
}
