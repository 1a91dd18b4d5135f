package dev.autogateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports nothing on this machine listens on just now, for servers a test starts as separate processes or clusters. */
public final class FreePorts {
    private FreePorts() {}

    public static int one() {
        return take(1)[0];
    }

    /** {@code n} different free ports on 127.0.0.1: all held open together while picked, so none repeats. */
    public static int[] take(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // it was only held to reserve the number
                }
            }
        }
    }
}
