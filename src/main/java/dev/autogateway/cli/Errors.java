package dev.autogateway.cli;

import dev.autogateway.config.ConfigException;

/** How commands report a config they cannot use: every problem on its own line, then exit code 2. */
final class Errors {
    static final int BAD_CONFIG = 2;

    private Errors() {}

    static int report(ConfigSource source, ConfigException e) {
        System.err.println("ERROR: invalid config (" + source.description() + "):");
        e.problems().forEach(p -> System.err.println("  " + p));
        return BAD_CONFIG;
    }
}
