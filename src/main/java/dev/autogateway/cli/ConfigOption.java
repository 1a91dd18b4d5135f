package dev.autogateway.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option of the commands that fall back to the global config, then to the environment. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, description = "Config file (default: the saved global config, else the environment).")
    Path file;

    ConfigSource source() {
        return ConfigSource.resolve(file);
    }
}
