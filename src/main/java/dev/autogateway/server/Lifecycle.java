package dev.autogateway.server;

/** Whether the gateway is shutting down: readiness turns false so load balancers stop sending traffic. */
final class Lifecycle {
    private volatile boolean draining;

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
