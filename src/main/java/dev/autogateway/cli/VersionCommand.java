package dev.autogateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "auto-gateway " + (v == null ? "dev" : v);
    }

    @Override
    public void run() {
        System.out.println(version());
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
