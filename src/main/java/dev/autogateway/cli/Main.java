package dev.autogateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code auto-gateway start|check|save-global|version}. Exit codes: 0 ok, 1 runtime failure, 2 bad config or usage. */
@Command(
        name = "auto-gateway",
        mixinStandardHelpOptions = true,
        // -h/--help and -V/--version on every subcommand too ("start --help").
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionCommand.Provider.class,
        description = "OpenAI-compatible LLM API gateway: routing, retries and failover across providers, models and keys.",
        subcommands = {StartCommand.class, CheckCommand.class, SaveGlobalCommand.class, VersionCommand.class})
public final class Main implements Runnable {
    static {
        // Before any Vert.x class loads: it reads these once.
        VertxProperties.applyDefaults(System.getProperties());
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !StartCommand.serving()) {
            System.exit(code);
        }
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main()); // picocli answers bad usage with exit code 2
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
