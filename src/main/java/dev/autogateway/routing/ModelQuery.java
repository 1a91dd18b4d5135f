package dev.autogateway.routing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The seed's model-string forms: {@code auto}, {@code any}, {@code none} or empty for any model; {@code a,b} or
 * {@code [a, b]} for candidates in order; otherwise one name. Names may carry a {@code prefix/}.
 */
public record ModelQuery(String raw, List<String> names) {
    private static final Set<String> ANY = Set.of("", "none", "any", "auto");
    /** Most requests name one of a few models: parse each string once. */
    private static final Memo<String, ModelQuery> PARSED = new Memo<>(4096, ModelQuery::doParse);

    public static ModelQuery parse(String raw) {
        String s = raw == null ? "" : raw;
        return s.length() <= Memo.MAX_KEY_CHARS ? PARSED.get(s) : doParse(s);
    }

    private static ModelQuery doParse(String raw) {
        String s = raw == null ? "" : raw.trim();
        if (ANY.contains(s.toLowerCase(Locale.ROOT))) {
            return new ModelQuery(s, List.of());
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        List<String> names = Arrays.stream(s.split(","))
                .map(n -> n.trim().replaceAll("^[\"']|[\"']$", "").trim())
                .filter(n -> !n.isEmpty())
                .toList();
        return new ModelQuery(raw.trim(), names);
    }

    public boolean any() {
        return names.isEmpty();
    }

    public static ModelQuery anyModel() {
        return new ModelQuery("", List.of());
    }

    /** The seed's normalisation: drop everything up to the first '/', lower-case, trim. */
    static String normalize(String name) {
        int slash = name.indexOf('/');
        return (slash >= 0 ? name.substring(slash + 1) : name).trim().toLowerCase(Locale.ROOT);
    }

    static boolean matches(String requested, String configured) {
        return requested.equalsIgnoreCase(configured) || normalize(requested).equals(normalize(configured));
    }
}
