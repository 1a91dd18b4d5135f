package dev.autogateway.network.tunnel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What differs between tunnel agents: how one is run and which of its output lines name the URL or an error. */
interface Agent {
    /** As in {@code server.tunnel}. */
    String name();

    /** The config key naming the binary, for the hint when it cannot be run. */
    String binaryKey();

    List<String> command(String host, int port);

    /** Added to the inherited environment of the agent's process. */
    Map<String, String> environment();

    /** Values that must never be shown: redacted from every output line the gateway logs or reports. */
    List<String> secrets();

    Optional<String> publicUrl(String line);

    /** The problem a line reports, if it reports one: the best explanation when no URL ever comes. */
    Optional<String> error(String line);
}
