package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static final GatewayConfig CONFIG = ConfigLoader.parse("""
        {"providers":[
          {"name":"openai","type":"openai_compatible","api_key":{"main":"k1","backup":"k2"},"models":{"gpt-4o":[],"gpt-4o-mini":[]}},
          {"name":"groq","type":"openai_compatible","api_key":"k3","models":["llama-3","gpt-4o-mini"]},
          {"name":"router","type":"openai_compatible","api_key":"k4","models":["meta/llama-3","*"]}]}""", Map.of());
    private final Catalog catalog = new Catalog(CONFIG.providers());

    private List<String> ids(String model, String provider, String alias, boolean strict) {
        return catalog.candidates(new RouteRequest(ModelQuery.parse(model), provider, alias, strict)).stream()
                .map(t -> t.provider().name() + "/" + t.model() + "/" + (t.key().alias() == null ? "-" : t.key().alias()))
                .toList();
    }

    @Test
    void parses_the_seeds_model_string_forms() {
        assertThat(ModelQuery.parse("auto").any()).isTrue();
        assertThat(ModelQuery.parse("ANY").any()).isTrue();
        assertThat(ModelQuery.parse("").any()).isTrue();
        assertThat(ModelQuery.parse(null).any()).isTrue();
        assertThat(ModelQuery.parse("a,b").names()).containsExactly("a", "b");
        assertThat(ModelQuery.parse("[a, 'b', \"c\"]").names()).containsExactly("a", "b", "c");
        assertThat(ModelQuery.parse("fireworks/llama-3").names()).containsExactly("fireworks/llama-3");
    }

    @Test
    void orders_targets_by_provider_then_model_then_key() {
        assertThat(ids("gpt-4o-mini", null, null, true))
                .containsExactly("openai/gpt-4o-mini/main", "openai/gpt-4o-mini/backup", "groq/gpt-4o-mini/-", "router/gpt-4o-mini/-");
    }

    @Test
    void any_model_lists_every_concrete_model_in_config_order() {
        assertThat(ids("auto", null, null, true)).containsExactly(
                "openai/gpt-4o/main", "openai/gpt-4o/backup", "openai/gpt-4o-mini/main", "openai/gpt-4o-mini/backup",
                "groq/llama-3/-", "groq/gpt-4o-mini/-", "router/meta/llama-3/-");
    }

    @Test
    void candidate_lists_keep_the_requested_order() {
        assertThat(ids("llama-3,gpt-4o", null, null, true))
                .containsExactly("groq/llama-3/-", "router/meta/llama-3/-", "openai/gpt-4o/main", "openai/gpt-4o/backup", "router/gpt-4o/-");
    }

    @Test
    void a_prefix_that_names_a_provider_pins_it_and_other_prefixes_are_ignored_for_matching() {
        assertThat(ids("groq/gpt-4o-mini", null, null, true)).containsExactly("groq/gpt-4o-mini/-");
        assertThat(ids("fireworks/gpt-4o", null, null, true))
                .containsExactly("openai/gpt-4o/main", "openai/gpt-4o/backup", "router/fireworks/gpt-4o/-");
    }

    @Test
    void a_wildcard_serves_unknown_names_as_given_but_never_any_model() {
        assertThat(ids("mistral-large", null, null, true)).containsExactly("router/mistral-large/-");
        assertThat(ids("router/openai/o3", null, null, true)).containsExactly("router/openai/o3/-");
        assertThat(catalog.knows(ModelQuery.parse("anything"))).isTrue();
    }

    @Test
    void the_provider_field_pins_a_provider() {
        assertThat(ids("gpt-4o-mini", "GROQ", null, true)).containsExactly("groq/gpt-4o-mini/-");
    }

    @Test
    void alias_follows_the_seeds_strict_and_loose_semantics() {
        assertThat(ids("gpt-4o", null, "backup", true)).containsExactly("openai/gpt-4o/backup");
        assertThat(ids("gpt-4o", null, "backup", false))
                .containsExactly("openai/gpt-4o/backup", "openai/gpt-4o/main", "router/gpt-4o/-");
    }

    @Test
    void unknown_models_are_unknown_without_a_wildcard() {
        Catalog noWildcard = new Catalog(CONFIG.providers().subList(0, 2));
        assertThat(noWildcard.knows(ModelQuery.parse("mistral-large"))).isFalse();
        assertThat(noWildcard.knows(ModelQuery.parse("x,gpt-4o"))).isTrue();
    }
}
