package dev.autogateway.routing;

/** The routing record of one client request: what was tried, what answered, and a way to stop it. */
public final class Attempts {
    private int count;
    private Target target;
    private boolean cancelled;
    private Runnable cancelHook = () -> {};

    public int count() {
        return count;
    }

    /** The target of the latest attempt: the one that answered, when the request succeeded. */
    public Target target() {
        return target;
    }

    void started(Target t) {
        count++;
        target = t;
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Stops the attempt in flight (the client went away or the budget ran out) and any further ones. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            cancelHook.run();
        }
    }

    void onCancel(Runnable hook) {
        this.cancelHook = hook;
    }
}
