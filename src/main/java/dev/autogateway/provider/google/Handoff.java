package dev.autogateway.provider.google;

/**
 * Flow control between the thread that reads a Gemini stream and the verticle's context that sends its chunks on.
 * The reader waits while the client is behind (the sender paused) or while too many chunks wait on the context;
 * not reading leaves the bytes in the socket, so a slow client slows Gemini instead of filling memory.
 */
final class Handoff {
    private final int maxQueued;
    private int queued;
    private boolean paused;
    private boolean stopped;

    Handoff(int maxQueued) {
        this.maxQueued = maxQueued;
    }

    /** Reader side: blocks while there is no room. @return false once the stream is stopped */
    synchronized boolean awaitRoom() {
        while (!stopped && (paused || queued >= maxQueued)) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopped;
    }

    synchronized void queued(int n) {
        queued += n;
    }

    synchronized void sent(int n) {
        queued -= n;
        notifyAll();
    }

    synchronized void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    synchronized void stop() {
        stopped = true;
        notifyAll();
    }
}
