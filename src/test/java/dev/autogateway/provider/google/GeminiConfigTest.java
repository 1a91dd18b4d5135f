package dev.autogateway.provider.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.autogateway.config.ConfigException;
import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.ProviderConfig;
import dev.autogateway.config.ProviderType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code google} provider's config keys: defaults, and every problem named by its exact path. */
class GeminiConfigTest {

    private static ProviderConfig only(String provider) {
        return ConfigLoader.parse("{\"providers\":[" + provider + "]}", Map.of("GEMINI_API_KEY", "g-key")).providers().get(0);
    }

    private static ConfigException refused(String providers) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("{\"providers\":[" + providers + "]}", Map.of()));
    }

    @Test
    void fills_in_the_gemini_endpoint_version_and_pool_size() {
        ProviderConfig p = only("{\"name\":\"g\",\"type\":\"google\",\"api_key\":\"${GEMINI_API_KEY}\",\"models\":[\"gemini-2.5-flash\"]}");
        assertThat(p.type()).isEqualTo(ProviderType.GOOGLE);
        assertThat(p.baseUrl().toString()).isEqualTo("https://generativelanguage.googleapis.com");
        assertThat(p.apiVersion()).isEqualTo("v1beta");
        assertThat(p.workers()).isEqualTo(32);
        assertThat(p.instances()).as("one per core").isZero();
        assertThat(p.keys().get(0).value()).isEqualTo("g-key");
    }

    @Test
    void takes_an_explicit_endpoint_version_and_pool_size() {
        ProviderConfig p = only("{\"name\":\"g\",\"type\":\"google\",\"api_key\":\"k\",\"models\":[\"m\"],"
                + "\"base_url\":\"http://127.0.0.1:9999/\",\"api_version\":\"v1\",\"workers\":4,\"instances\":3}");
        assertThat(p.baseUrl().toString()).isEqualTo("http://127.0.0.1:9999");
        assertThat(p.apiVersion()).isEqualTo("v1");
        assertThat(p.workers()).isEqualTo(4);
        assertThat(p.instances()).isEqualTo(3);
    }

    @Test
    void names_each_problem_by_its_path() {
        ConfigException e = refused(
                "{\"name\":\"g\",\"type\":\"google\",\"models\":[\"m\"],\"api_version\":\"beta\",\"workers\":0,\"instances\":0,"
                        + "\"base_url\":\"https://generativelanguage.googleapis.com/v1beta\"},"
                        + "{\"name\":\"o\",\"type\":\"openai_compatible\",\"models\":[\"m\"],\"api_version\":\"v1\",\"workers\":2}");
        assertThat(e.problems()).contains(
                "providers[0].api_key: is required for type 'google'",
                "providers[0].api_version: must look like v1, v1beta or v1alpha, got 'beta'",
                "providers[0].workers: must be between 1 and 1024, got 0",
                "providers[0].instances: must be between 1 and 256, got 0",
                "providers[0].base_url: must not end with an API version (give it as api_version), got "
                        + "'https://generativelanguage.googleapis.com/v1beta'",
                "providers[1].api_version: only applies to type 'google'",
                "providers[1].workers: only applies to type 'google'");
    }
}
