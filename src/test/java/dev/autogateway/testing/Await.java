package dev.autogateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BooleanSupplier;

/** Polls for something that happens asynchronously, for up to five seconds. */
public final class Await {
    private static final long TIMEOUT_NANOS = 5_000_000_000L;

    private Await() {}

    public static void until(BooleanSupplier condition) {
        until("the condition", condition);
    }

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not within five seconds. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 5 s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while awaiting " + what, e);
            }
        }
    }
}
