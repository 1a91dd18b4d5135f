package dev.autogateway.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expands {@code ${NAME}} anywhere in a value, or a whole value of the form {@code env:NAME}. */
public final class EnvRefs {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Map<String, String> env;

    public EnvRefs(Map<String, String> env) {
        this.env = env;
    }

    /** @throws IllegalArgumentException naming the variable that is not set */
    public String expand(String value) {
        if (value.startsWith("env:")) {
            return lookup(value.substring(4).trim());
        }
        Matcher m = REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(lookup(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String lookup(String name) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        return v;
    }
}
