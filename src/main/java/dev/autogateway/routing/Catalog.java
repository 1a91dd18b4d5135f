package dev.autogateway.routing;

import dev.autogateway.config.ApiKey;
import dev.autogateway.config.ModelSpec;
import dev.autogateway.config.ProviderConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Every (provider, model, key) the config offers, and which of them can serve a request. */
public final class Catalog {
    private final List<ProviderConfig> providers;
    /** The config is fixed for a catalog's life, so the same question always gets the same answer. */
    private final Memo<Question, List<Target>> answers = new Memo<>(4096, this::find);

    private record Question(List<String> names, String provider, String alias, boolean strictAlias) {}

    /** Whether any model has a {@code context_window}: only then is a request's prompt size worth estimating. */
    private final boolean contextWindows;

    public Catalog(List<ProviderConfig> providers) {
        this.providers = List.copyOf(providers);
        this.contextWindows = providers.stream().flatMap(p -> p.models().stream()).anyMatch(m -> m.contextWindow() > 0);
    }

    public boolean hasContextWindows() {
        return contextWindows;
    }

    public List<ProviderConfig> providers() {
        return providers;
    }

    public ProviderConfig provider(String name) {
        for (ProviderConfig p : providers) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }

    /** Targets able to serve the request, in config order: requested names, then providers, models and keys. */
    public List<Target> candidates(RouteRequest r) {
        Question q = new Question(r.models().names(), r.provider(), r.alias(), r.strictAlias());
        int chars = r.models().raw().length() + (r.alias() == null ? 0 : r.alias().length());
        return chars <= Memo.MAX_KEY_CHARS ? answers.get(q) : find(q);
    }

    private List<Target> find(Question q) {
        Set<Target> out = new LinkedHashSet<>();
        List<String> names = q.names().isEmpty() ? Collections.singletonList(null) : q.names();
        for (String name : names) {
            String pinned = prefixProvider(name);
            String bare = pinned == null ? name : name.substring(name.indexOf('/') + 1);
            for (ProviderConfig p : providers) {
                if (q.provider() != null && !p.name().equalsIgnoreCase(q.provider())
                        || pinned != null && !p.name().equalsIgnoreCase(pinned)) {
                    continue;
                }
                List<ApiKey> keys = p.keysFor(q.alias(), q.strictAlias());
                for (ModelSpec m : models(p, bare)) {
                    String upstreamModel = m.wildcard() ? bare : m.name();
                    for (ApiKey k : keys) {
                        out.add(new Target(p, upstreamModel, k, m));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** Whether any provider serves one of the names at all, ignoring the request's pins. */
    public boolean knows(ModelQuery q) {
        for (String name : q.names()) {
            String pinned = prefixProvider(name);
            String bare = pinned == null ? name : name.substring(name.indexOf('/') + 1);
            for (ProviderConfig p : providers) {
                if ((pinned == null || p.name().equalsIgnoreCase(pinned)) && !models(p, bare).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The provider's models serving {@code name} (null: any). A wildcard entry only serves names that no concrete
     * model matches, and never "any model": it has no name of its own to send.
     */
    private static List<ModelSpec> models(ProviderConfig p, String name) {
        List<ModelSpec> out = new ArrayList<>();
        ModelSpec wildcard = null;
        for (ModelSpec m : p.models()) {
            if (m.wildcard()) {
                wildcard = m;
            } else if (name == null || ModelQuery.matches(name, m.name())) {
                out.add(m);
            }
        }
        if (out.isEmpty() && wildcard != null && name != null) {
            out.add(wildcard);
        }
        return out;
    }

    /** The provider a {@code prefix/model} name pins, if its prefix names one. */
    private String prefixProvider(String name) {
        if (name == null || name.indexOf('/') <= 0) {
            return null;
        }
        ProviderConfig p = provider(name.substring(0, name.indexOf('/')));
        return p == null ? null : p.name();
    }
}
