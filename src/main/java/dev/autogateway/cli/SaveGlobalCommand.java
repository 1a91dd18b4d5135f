package dev.autogateway.cli;

import dev.autogateway.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "save-global", description = "Validate a config and save it as ~/.auto-gateway/config.json, which"
        + " 'start' and 'check' use when no --config is given.")
final class SaveGlobalCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "Config file to save.")
    Path config;

    @Override
    public Integer call() throws IOException {
        ConfigSource source = ConfigSource.resolve(config);
        try {
            source.load(System.getenv());
        } catch (ConfigException e) {
            return Errors.report(source, e);
        }
        Path target = ConfigSource.globalPath();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "config", ".json");
        Files.copy(config, tmp, StandardCopyOption.REPLACE_EXISTING);
        try {
            // It may hold API keys: readable by its owner only.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile directory is already private.
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Saved " + config + " to " + target);
        return 0;
    }
}
