package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestNeedsTest {
    private static final JsonObject BODY = new JsonObject("""
        {"model":"m","messages":[
          {"role":"system","content":"12345678"},
          {"role":"user","content":[{"type":"text","text":"what is in these?"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
             {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}},
             {"type":"file","file":{"file_id":"f1"}},
             {"type":"video_url","video_url":{"url":"https://x/v.mp4"}}]},
          {"role":"assistant","content":[{"type":"image_url","image_url":{"url":"ignored: not a user part"}}]}]}""");

    private static Target target(String features) {
        var cfg = ConfigLoader.parse("{\"providers\":[{\"name\":\"p\",\"type\":\"echo\",\"models\":{\"m\":{\"features\":" + features
                + ",\"context_window\":20}}}]}", Map.of());
        return new Catalog(cfg.providers()).candidates(new RouteRequest(ModelQuery.parse("m"), null, null, true)).get(0);
    }

    @Test
    void reads_content_kinds_from_user_messages_as_the_original_did_and_audio_and_files_as_media() {
        RequestNeeds n = RequestNeeds.of(BODY, true);
        assertThat(n.imageParts()).containsExactly("image_url");
        assertThat(n.mediaParts()).containsExactlyInAnyOrder("input_audio", "file");
        assertThat(n.videoParts()).containsExactly("video_url");
        assertThat(n.tools()).isFalse();
        // (8 + 17) characters / 4 + 3 messages x 4
        assertThat(n.promptTokens()).isEqualTo(25 / 4 + 12);
    }

    @Test
    void drops_only_the_parts_a_target_cannot_take() {
        RequestNeeds n = RequestNeeds.of(BODY, true);
        Target eyes = target("[\"vision\"]");
        assertThat(n.droppedBy(eyes)).containsExactlyInAnyOrder("input_audio", "file", "video_url");
        JsonObject sent = RequestNeeds.without(n.droppedBy(eyes), BODY);
        assertThat(sent.getJsonArray("messages").getJsonObject(1).getJsonArray("content").stream()
                .map(p -> ((JsonObject) p).getString("type")).toList()).containsExactly("text", "image_url");
        assertThat(sent.getJsonArray("messages").getJsonObject(2)).as("other roles untouched")
                .isEqualTo(BODY.getJsonArray("messages").getJsonObject(2));
        assertThat(BODY.getJsonArray("messages").getJsonObject(1).getJsonArray("content")).as("the client's body untouched").hasSize(5);
        Target all = target("[\"img2img\",\"media\",\"video_vision\"]");
        assertThat(n.droppedBy(all)).isEmpty();
    }

    @Test
    void leaves_an_empty_string_when_every_part_is_dropped() {
        JsonObject body = new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]}]}");
        JsonObject sent = RequestNeeds.without(RequestNeeds.of(body, true).droppedBy(target("[]")), body);
        assertThat(sent.getJsonArray("messages").getJsonObject(0).getValue("content")).isEqualTo("");
    }

    @Test
    void needs_tool_calls_for_tools_and_a_context_window_that_fits() {
        JsonObject body = new JsonObject().put("messages", new JsonArray().add(new JsonObject()
                .put("role", "user").put("content", "x".repeat(100))));
        assertThat(RequestNeeds.of(body, true).usableBy(target("[]"))).as("about 29 tokens > 20").isFalse();
        JsonObject small = new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}");
        RequestNeeds tools = RequestNeeds.of(small, true);
        assertThat(tools.tools()).isTrue();
        assertThat(tools.usableBy(target("[]"))).isFalse();
        assertThat(tools.usableBy(target("[\"tool_calls\"]"))).isTrue();
        assertThat(RequestNeeds.of(small.copy().put("tools", List.of()), true).usableBy(target("[]"))).isTrue();
    }

    @Test
    void sizes_the_prompt_only_for_a_config_with_context_windows() {
        JsonObject body = new JsonObject().put("messages", new JsonArray().add(new JsonObject()
                .put("role", "user").put("content", "x".repeat(100)))).put("tools", new JsonArray()
                .add(new JsonObject().put("type", "function")));
        assertThat(RequestNeeds.of(body, false).promptTokens()).isZero();
        assertThat(RequestNeeds.of(body, false).tools()).isTrue();
        var windows = ConfigLoader.parse("{\"providers\":[{\"name\":\"p\",\"type\":\"echo\",\"models\":{\"a\":[],"
                + "\"b\":{\"context_window\":8000}}}]}", Map.of());
        var none = ConfigLoader.parse("{\"providers\":[{\"name\":\"p\",\"type\":\"echo\",\"models\":{\"a\":[],"
                + "\"b\":{\"max_output_tokens\":8000}}}]}", Map.of());
        assertThat(new Catalog(windows.providers()).hasContextWindows()).isTrue();
        assertThat(new Catalog(none.providers()).hasContextWindows()).isFalse();
    }

    @Test
    void counts_tool_definitions_as_long_as_their_compact_json_without_encoding_them() {
        JsonArray tools = new JsonArray("""
            [{"type":"function","function":{"name":"get_weather","description":"Weather for a city, in °C",
              "strict":true,"parameters":{"type":"object","properties":{"city":{"type":"string"},
              "days":{"type":"integer","minimum":1,"maximum":14,"default":3.5},"units":{"enum":["c","f",null]}},
              "required":["city"],"additionalProperties":false}}},
             {"type":"function","function":{"name":"noop","parameters":{}}}]""");
        assertThat(RequestNeeds.encodedLength(tools)).isEqualTo(tools.encode().length());
        JsonObject body = new JsonObject().put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "hi"))).put("tools", tools);
        assertThat(RequestNeeds.of(body, true).promptTokens()).isEqualTo((2 + tools.encode().length()) / 4 + 4);
    }
}
