package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.openai.ChatRequest;
import dev.autogateway.provider.ErrorClass;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class StickySessionsTest {

    private static JsonObject conversation(String system, String... turns) {
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "system").put("content", system));
        for (int i = 0; i < turns.length; i++) {
            messages.add(new JsonObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", turns[i]));
        }
        return new JsonObject().put("model", "m").put("messages", messages);
    }

    private static String keyOf(String header, JsonObject body) {
        return StickySessions.keyOf(header, ChatRequest.parse(body.toBuffer(), false));
    }

    @Test
    void keys_a_conversation_by_header_then_user_then_its_opening() {
        JsonObject c = conversation("be brief", "hi");
        assertThat(keyOf("s-1", c.copy().put("user", "ann"))).isEqualTo("h:s-1");
        assertThat(keyOf(null, c.copy().put("user", "ann"))).isEqualTo("u:ann");
        String key = keyOf(null, c);
        assertThat(key).startsWith("c:");
        assertThat(keyOf(null, conversation("be brief", "hi", "hello!", "and then?")))
                .as("the same conversation, two turns later").isEqualTo(key);
        assertThat(keyOf(null, conversation("be brief", "bye"))).isNotEqualTo(key);
        assertThat(keyOf(null, conversation("be verbose", "hi"))).isNotEqualTo(key);
        assertThat(keyOf(null, new JsonObject().put("messages", new JsonArray().add(new JsonObject()
                .put("role", "system").put("content", "no user message yet"))))).isNull();
    }

    @Test
    void keys_a_long_prompt_by_its_length_and_ends_only() {
        int half = StickySessions.SAMPLE_CHARS;
        String head = "h".repeat(half);
        String tail = "t".repeat(half);
        String key = keyOf(null, conversation(head + "middle one" + tail, "hi"));
        assertThat(keyOf(null, conversation(head + "middle two" + tail, "hi")))
                .as("the middle of a long prompt is not read").isEqualTo(key);
        assertThat(keyOf(null, conversation(head + "middle 3" + tail, "hi"))).as("its length is")
                .isNotEqualTo(key);
        assertThat(keyOf(null, conversation("H" + head.substring(1) + "middle one" + tail, "hi")))
                .as("its start is").isNotEqualTo(key);
        assertThat(keyOf(null, conversation(head + "middle one" + tail.substring(1) + "T", "hi")))
                .as("its end is").isNotEqualTo(key);
        assertThat(keyOf(null, conversation(head + "middle one" + tail, "hello")))
                .as("and so is the first user message").isNotEqualTo(key);
        assertThat(keyOf(null, conversation(head + "middle one", tail + "hi")))
                .as("each text is keyed on its own").isNotEqualTo(key);
    }

    @Test
    void keeps_a_session_on_its_target_while_it_stays_healthy_even_when_another_ranks_higher() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"adaptive\",\"persistence_path\":\"\"}", "a", "b");
        AdaptiveStrategy s = f.adaptive();
        f.succeed(s, "a", 900);
        f.succeed(s, "b", 900);
        assertThat(f.order(s, RoutingFixture.session("x")).get(0)).isEqualTo("a");
        for (int i = 0; i < 3; i++) {
            f.succeed(s, "b", 100);
        }
        assertThat(f.order(s, RoutingFixture.request()).get(0)).as("b ranks first now").isEqualTo("b");
        assertThat(f.order(s, RoutingFixture.session("x")).get(0)).as("but the session stays on a").isEqualTo("a");
        assertThat(f.order(s, RoutingFixture.session("y")).get(0)).as("a new session takes the best").isEqualTo("b");
    }

    @Test
    void moves_a_session_when_its_target_fails_or_rests_and_stays_moved() {
        RoutingFixture f = new RoutingFixture("{\"strategy\":\"bandit\",\"persistence_path\":\"\"}", "a", "b");
        BanditStrategy s = f.bandit();
        f.succeed(s, "a", 300);
        f.succeed(s, "b", 300);
        assertThat(f.order(s, RoutingFixture.session("x")).get(0)).isEqualTo("a");
        f.fail(s, "a", ErrorClass.RATE_LIMIT);
        assertThat(f.order(s, RoutingFixture.session("x")).get(0)).as("a rests: the session yields").isEqualTo("b");
        f.advance(60_000);
        f.succeed(s, "a", 100);
        f.succeed(s, "a", 100);
        assertThat(f.order(s, RoutingFixture.session("x")).get(0)).as("bound to b now").isEqualTo("b");
    }

    @Test
    void forgets_idle_sessions() {
        StickySessions sessions = new StickySessions();
        sessions.bind("x", "p:m:k", 0);
        assertThat(sessions.target("x", StickySessions.IDLE_MS)).isEqualTo("p:m:k");
        assertThat(sessions.target("x", StickySessions.IDLE_MS + 1)).isNull();
        sessions.sweep(StickySessions.IDLE_MS + 1);
        assertThat(sessions.size()).isZero();
    }
}
