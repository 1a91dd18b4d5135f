package dev.autogateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autogateway.openai.Completions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeFilterTest {

    private static JsonObject content(String text) {
        return Completions.chunk("other-id", 2, "m", new JsonObject().put("content", text), null);
    }

    private static String run(ResumeFilter f, String... pieces) {
        List<JsonObject> out = new ArrayList<>();
        out.addAll(f.accept(Completions.chunk("other-id", 2, "m", new JsonObject().put("role", "assistant").put("content", ""), null)));
        for (String p : pieces) {
            out.addAll(f.accept(content(p)));
        }
        out.addAll(f.accept(Completions.chunk("other-id", 2, "m", new JsonObject(), "stop")));
        StringBuilder text = new StringBuilder();
        for (JsonObject c : out) {
            assertThat(c.getString("id")).isEqualTo("orig");
            assertThat(c.getLong("created")).isEqualTo(1L);
            JsonObject delta = c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
            assertThat(delta.containsKey("role")).isFalse();
            text.append(delta.getString("content", ""));
        }
        assertThat(out.get(out.size() - 1).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
        return text.toString();
    }

    @Test
    void streams_only_what_follows_the_text_already_sent() {
        assertThat(run(new ResumeFilter("Hello wor", false, "orig", 1), "Hel", "lo w", "orld", "!")).isEqualTo("ld!");
    }

    @Test
    void compares_whitespace_runs_as_one_space() {
        assertThat(run(new ResumeFilter("Hello  big\nworld ", false, "orig", 1), "Hello big ", "world   and", " more"))
                .isEqualTo("and more");
    }

    @Test
    void passes_a_prefilled_continuation_through() {
        assertThat(run(new ResumeFilter("Hello", true, "orig", 1), " world")).isEqualTo(" world");
    }

    @Test
    void refuses_an_answer_that_diverges_ends_early_or_turns_to_tool_calls() {
        assertThatThrownBy(() -> run(new ResumeFilter("Hello world", false, "orig", 1), "Hi there"))
                .isInstanceOf(ResumeFilter.Diverged.class);
        assertThatThrownBy(() -> run(new ResumeFilter("Hello world", false, "orig", 1), "Hello"))
                .isInstanceOf(ResumeFilter.Diverged.class);
        ResumeFilter f = new ResumeFilter("Hello", false, "orig", 1);
        JsonObject toolChunk = Completions.chunk("x", 2, "m", new JsonObject().put("tool_calls", new JsonArray()), null);
        assertThatThrownBy(() -> f.accept(toolChunk)).isInstanceOf(ResumeFilter.Diverged.class);
    }
}
