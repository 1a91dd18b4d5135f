package dev.autogateway.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Provider implementations this build can deploy, by their config name. */
public enum ProviderType {
    OPENAI_COMPATIBLE("openai_compatible"),
    GOOGLE("google"),
    ECHO("echo");

    private final String configName;

    ProviderType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static ProviderType fromConfig(String name) {
        for (ProviderType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        return null;
    }

    public static String names() {
        return Arrays.stream(values()).map(ProviderType::configName).collect(Collectors.joining(", "));
    }
}
