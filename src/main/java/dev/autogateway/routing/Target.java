package dev.autogateway.routing;

import dev.autogateway.config.ApiKey;
import dev.autogateway.config.ModelSpec;
import dev.autogateway.config.ProviderConfig;
import java.util.Set;

/**
 * One way to serve a request: a provider, the model name to send it (the spec's name, or the requested name for a
 * wildcard spec), and the key to send it with.
 */
public record Target(ProviderConfig provider, String model, ApiKey key, ModelSpec spec) {

    /** Stable identity for health state and logs; holds a key fingerprint, never the key. */
    public String id() {
        return provider.name() + ":" + model + ":" + key.fingerprint();
    }

    /** Identity of the key within its provider: auth and quota failures take the key out for every model. */
    public String keyId() {
        return provider.name() + ":" + key.fingerprint();
    }

    public Set<String> features() {
        return spec.features();
    }
}
