package dev.autogateway.cli;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ModelSpec;
import dev.autogateway.config.ProviderConfig;
import dev.autogateway.network.tunnel.TunnelLauncher;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", description = "Validate a config and print a summary (never the keys).")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--allow-public-without-auth",
            description = "Check as start --allow-public-without-auth would run: a tunnel without server.api_key passes.")
    boolean allowPublicWithoutAuth;

    @Override
    public Integer call() {
        ConfigSource source = config.source();
        GatewayConfig cfg;
        try {
            cfg = source.load(System.getenv());
            // The tunnel rules start applies (extra.tunnels, auth, no socket), so a config check passes only what starts.
            TunnelLauncher.of(cfg, allowPublicWithoutAuth, System.getenv());
        } catch (ConfigException e) {
            return Errors.report(source, e);
        }
        System.out.println(summary(cfg));
        return 0;
    }

    static String summary(GatewayConfig cfg) {
        StringBuilder out = new StringBuilder("OK: providers=" + cfg.providers().size() + " strategy="
                + cfg.router().strategy() + " tunnel=" + cfg.server().tunnel());
        for (ProviderConfig p : cfg.providers()) {
            out.append("\n  - ").append(p.name()).append(" (").append(p.type().configName()).append("): models=")
                    .append(p.models().stream().map(ModelSpec::name).collect(Collectors.joining(",")))
                    .append(" keys=").append(p.keys().stream().filter(k -> k.value() != null).count());
            if (p.baseUrl() != null) {
                out.append(" base_url=").append(p.baseUrl());
            }
        }
        return out.toString();
    }
}
