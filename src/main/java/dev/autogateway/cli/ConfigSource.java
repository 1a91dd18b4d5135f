package dev.autogateway.cli;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ZeroConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where a command's config comes from: {@code --config}, else the saved global config, else the environment. */
record ConfigSource(Path file, String description) {

    static Path globalPath() {
        return Path.of(System.getProperty("user.home"), ".auto-gateway", "config.json");
    }

    static ConfigSource resolve(Path explicit) {
        if (explicit != null) {
            return new ConfigSource(explicit, explicit.toString());
        }
        Path global = globalPath();
        if (Files.isRegularFile(global)) {
            return new ConfigSource(global, global + " (saved global config)");
        }
        return new ConfigSource(null, "no config file: built from the environment");
    }

    GatewayConfig load(Map<String, String> env) {
        return file == null ? ZeroConfig.fromEnv(env) : ConfigLoader.load(file, env);
    }
}
