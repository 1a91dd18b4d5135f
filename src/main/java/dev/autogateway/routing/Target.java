package dev.autogateway.routing;

import dev.autogateway.config.ApiKey;
import dev.autogateway.config.ModelSpec;
import dev.autogateway.config.ProviderConfig;
import java.util.Set;

/**
 * One way to serve a request: a provider, the model name to send it (the spec's name, or the requested name for a
 * wildcard spec), and the key to send it with. Equal by {@link #id()}, which is computed once: targets are hashed and
 * looked up several times per request.
 */
public final class Target {
    private final ProviderConfig provider;
    private final String model;
    private final ApiKey key;
    private final ModelSpec spec;
    private final String id;
    private final String keyId;

    public Target(ProviderConfig provider, String model, ApiKey key, ModelSpec spec) {
        this.provider = provider;
        this.model = model;
        this.key = key;
        this.spec = spec;
        this.keyId = provider.name() + ":" + key.fingerprint();
        this.id = provider.name() + ":" + model + ":" + key.fingerprint();
    }

    public ProviderConfig provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    public ApiKey key() {
        return key;
    }

    public ModelSpec spec() {
        return spec;
    }

    /**
     * The model as configured: {@link #model()}, or {@code *} for a wildcard spec, which takes its name from the
     * client. A bounded set of names, so this, not {@link #model()}, labels metrics.
     */
    public String configuredModel() {
        return spec.name();
    }

    /** Stable identity for health state and logs; holds a key fingerprint, never the key. */
    public String id() {
        return id;
    }

    /** Identity of the key within its provider: auth and quota failures take the key out for every model. */
    public String keyId() {
        return keyId;
    }

    public Set<String> features() {
        return spec.features();
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Target t && t.id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
