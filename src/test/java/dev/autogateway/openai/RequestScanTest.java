package dev.autogateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.routing.RequestNeeds;
import dev.autogateway.routing.StickySessions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scanned request must be the same request, to everything that reads it, as one read as an object: validation,
 * routing's needs, the conversation key, the fields a provider builds and the bytes that go upstream as they are.
 */
class RequestScanTest {
    private static final String USER_HI = "{\"role\":\"user\",\"content\":\"hi\"}";

    private static String request(String fields) {
        return "{\"model\":\"m\",\"messages\":[" + USER_HI + "]" + fields + "}";
    }

    /** The scanned and the object reading of {@code json}, with and without sizing; whether it scans must be {@code scans}. */
    private static void agree(String json, boolean scans) {
        for (boolean sizing : new boolean[] {false, true}) {
            agree(json, sizing, scans);
        }
    }

    private static void agree(String json, boolean sizing, boolean scans) {
        // As a slice of a larger buffer, as a body can be: the scan must keep to its bytes.
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Buffer body = Buffer.buffer("{\"x\":").appendBytes(bytes).appendString("]").slice(5, 5 + bytes.length);
        Object scanned = read(() -> ChatRequest.parse(body, sizing));
        Object read = read(() -> ChatRequest.parseObject(body, sizing));
        String as = json + (sizing ? " (sized)" : "");
        if (read instanceof ApiError e) {
            assertThat(scanned).as(as).isInstanceOf(ApiError.class);
            assertThat(((ApiError) scanned).toJson()).as(as).isEqualTo(e.toJson());
            assertThat(scans).as("an invalid request is never scanned: " + as).isFalse();
            return;
        }
        ChatRequest s = (ChatRequest) scanned;
        ChatRequest r = (ChatRequest) read;
        assertThat(s.outline() != null).as("scanned: " + as).isEqualTo(scans);
        assertThat(s.sizePrompt()).as(as).isEqualTo(sizing);
        assertThat(s.model()).as(as).isEqualTo(r.model());
        assertThat(s.stream()).as(as).isEqualTo(r.stream());
        assertThat(s.includeUsage()).as(as).isEqualTo(r.includeUsage());
        assertThat(s.provider()).as(as).isEqualTo(r.provider());
        assertThat(s.alias()).as(as).isEqualTo(r.alias());
        assertThat(s.strictAlias()).as(as).isEqualTo(r.strictAlias());
        assertThat(s.extraBody()).as(as).isEqualTo(r.extraBody());
        assertThat(s.body()).as(as).isEqualTo(r.body());
        RequestNeeds needs = RequestNeeds.of(s);
        assertThat(needs).as(as).isEqualTo(RequestNeeds.of(r));
        assertThat(needs.promptTokens() > 0).as("sized: " + as).isEqualTo(sizing);
        for (String header : new String[] {null, "session-1"}) {
            assertThat(StickySessions.keyOf(header, s)).as(as).isEqualTo(StickySessions.keyOf(header, r));
        }
        assertThat(s.fields()).as(as).isEqualTo(r.fields());
        // The bytes for another model ("auto" routed to a model, a list, an alias) are the fields with that model.
        for (String model : new String[] {"other-model", "q\"uoted \u00e9 \\"}) {
            Buffer other = s.bodyFor(model);
            assertThat(other == null).as("scanned requests splice: " + as).isEqualTo(!scans);
            if (other != null) {
                assertThat(new JsonObject(other)).as(as).isEqualTo(r.fields().copy().put("model", model));
            }
        }
        if (s.model() != null) {
            assertThat(s.bodyFor(s.model())).as(as).isSameAs(s.body());
        }
    }

    private static Object read(java.util.function.Supplier<ChatRequest> reading) {
        try {
            return reading.get();
        } catch (ApiError e) {
            return e;
        }
    }

    @Test
    void scans_the_usual_requests_to_the_same_result() throws Exception {
        List<String> usual = List.of(
                request(""),
                Files.readString(Path.of("bench/bodies/agent.json")),
                // Escapes and non-ASCII in the texts the conversation key reads, and in the model's name.
                "{\"model\":\"gpt\\u002d4o\",\"messages\":[{\"role\":\"system\",\"content\":\"one\\ntwo \\\"q\\\" \\u00e9 é 😀 \\ud83d\\ude00\"},"
                        + "{\"role\":\"user\",\"content\":\"Grüße \\\\ 你好\"}]}",
                // Parts of every kind, a developer prompt, tool calls and a tool's answer.
                "{\"model\":\"m\",\"messages\":[{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"be brief\"}]},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}},"
                        + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}},"
                        + "{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}},{\"type\":\"video_url\",\"video_url\":{\"url\":\"v\"}},"
                        + "{\"type\":null},\"not a part\",{\"text\":\"no type\"}]},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"image_url\"}]},{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]}",
                // The first system message without content is passed over for the next; a later one is not read.
                "{\"messages\":[{\"role\":\"system\"},{\"role\":\"system\",\"content\":\"second\"},"
                        + "{\"role\":\"system\",\"content\":\"third\"}," + USER_HI + "]}",
                "{\"messages\":[{\"role\":\"assistant\",\"content\":\"no user message\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":null}]}",
                "{\"model\":null,\"messages\":[" + USER_HI + "]}",
                request(",\"stream\":true"),
                request(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"),
                request(",\"stream\":false,\"stream_options\":{\"include_usage\":true}"),
                request(",\"stream\":true,\"stream_options\":{\"include_usage\":1,\"x\":{\"include_usage\":true}}"),
                request(",\"stream\":null,\"stream_options\":null"),
                request(",\"max_completion_tokens\":-5,\"max_tokens\":100"),
                request(",\"max_tokens\":50"),
                request(",\"max_completion_tokens\":\"many\",\"max_tokens\":70"),
                request(",\"max_completion_tokens\":99999999999,\"temperature\":0.5e-1"),
                request(",\"tools\":[]"),
                request(",\"tools\":{\"not\":\"an array\"}"),
                request(",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]"),
                request(",\"functions\":[{\"name\":\"f\"}],\"tools\":[]"),
                request(",\"user\":\"ann\""),
                request(",\"user\":\"  \""),
                request(",\"user\":{\"id\":7}"),
                request(",\"metadata\":{\"a\":[1,2,{\"b\":null}]},\"n\":2,\"logprobs\":true,\"stop\":[\"x\"],\"seed\":-1"),
                request(",\"unknown\":1,\"unknown\":2"),
                " \n{ \"model\" : \"m\" ,\n  \"messages\" : [ { \"role\" : \"user\" , \"content\" : \"hi\" } ] }\n ",
                // What a prompt's size counts: every text, and the tools written as compact JSON (spaces do not count).
                "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"é😀\\u00e9\\n\"},"
                        + "{\"type\":\"refusal\",\"refusal\":\"no\"}]}," + USER_HI + "],"
                        + "\"tools\" : [ {\"type\": \"function\", \"function\": {\"name\": \"f\\\"q\", \"strict\": true,"
                        + " \"parameters\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": -3,"
                        + " \"maximum\": 12345678901234567890}, \"ok\": {\"enum\": [false, null, \"x\"]}}, \"required\": []}}} ]}",
                request(",\"functions\":[{\"name\":\"f\"}]"),
                request(",\"functions\":[{\"name\":\"f\"}],\"tools\":{\"odd\":1}"));
        for (String json : usual) {
            agree(json, true);
        }
    }

    @Test
    void leaves_the_rest_to_the_object_path() {
        List<String> others = List.of(
                // The gateway's extras, which the object path strips.
                request(",\"provider\":\"p\""),
                request(",\"alias\":\"a\",\"strict_alias\":false"),
                request(",\"extra_body\":{\"top_k\":3}"),
                // Fields it reads, given twice or in a form it does not read.
                "{\"model\":\"a\",\"model\":\"b\",\"messages\":[" + USER_HI + "]}",
                "{\"messages\":[{\"role\":\"user\",\"role\":\"assistant\",\"content\":\"hi\"}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"type\":\"text\"}]}]}",
                "{\"mod\\u0065l\":\"m\",\"messages\":[" + USER_HI + "]}",
                request(",\"max_tokens\":2.5"),
                "{\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"an object\"}}]}",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":7}]}]}",
                // Invalid requests: the object path names what is wrong.
                "{\"model\":7,\"messages\":[" + USER_HI + "]}",
                "{\"model\":\"m\"}",
                "{\"messages\":[]}",
                "{\"messages\":[\"hi\"]}",
                "{\"messages\":[{\"content\":\"hi\"}]}",
                "{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}",
                "{\"messages\":[{\"role\":\"tool\",\"content\":\"42\"}]}",
                "{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":1,\"content\":\"42\"}]}",
                request(",\"stream\":\"yes\""),
                request(",\"stream_options\":true"),
                request("") + " trailing",
                "{\"messages\":[" + USER_HI + "],}",
                "[" + USER_HI + "]",
                "");
        for (String json : others) {
            agree(json, false);
        }
    }

    @Test
    void sizes_by_the_object_path_what_it_cannot_count() {
        // A fraction is written otherwise once read as a number: counted the ordinary way, scanned otherwise.
        String json = request(",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"x\":1.50}}]");
        agree(json, false, true);
        agree(json, true, false);
    }

    @Test
    void builds_the_fields_once() {
        ChatRequest chat = ChatRequest.parse(Buffer.buffer(request(",\"seed\":1")), true);
        assertThat(chat.outline()).isNotNull();
        JsonObject fields = chat.fields();
        assertThat(fields.getInteger("seed")).isEqualTo(1);
        assertThat(chat.fields()).isSameAs(fields);
    }
}
