package dev.autogateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionScanTest {
    private static final String USAGE =
            "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":14,\"total_tokens\":23,\"prompt_tokens_details\":{\"cached_tokens\":0}},";
    private static final String OPENAI = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hi \\\"there\\\" {[\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + USAGE + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\"}";

    private static final String CALL = "{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":[1]}\"}}";

    /** Scans the answer as a slice of a larger buffer, as a body can be: the scan must keep to its bytes. */
    private static Tokens scan(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Buffer around = Buffer.buffer("]\"{").appendBytes(bytes).appendString("}x");
        return CompletionScan.passThrough(around.slice(3, 3 + bytes.length));
    }

    @Test
    void passes_a_complete_openai_answer_and_reads_its_usage() {
        assertThat(scan(OPENAI)).isEqualTo(new Tokens(9, 14));
        assertThat(scan(OPENAI.replace(USAGE, ""))).as("no usage").isEqualTo(Tokens.NONE);
    }

    /** The scan passes exactly the answers the object path would leave unchanged, and reads the same usage. */
    @Test
    void agrees_with_the_object_path_on_every_shape() {
        List<String> shapes = List.of(
                OPENAI,
                OPENAI.replace("\"id\":\"chatcmpl-1\",", ""),
                OPENAI.replace("\"id\":\"chatcmpl-1\"", "\"id\":7"),
                OPENAI.replace("\"object\":\"chat.completion\"", "\"object\":\"chat.completion.chunk\""),
                OPENAI.replace("\"created\":1700000000", "\"created\":\"soon\""),
                OPENAI.replace("\"model\":\"gpt-4o-2024-08-06\"", "\"model\":\"\""),
                OPENAI.replace("\"refusal\":null,", ""),
                OPENAI.replace(",\"logprobs\":null", ""),
                OPENAI.replace("\"role\":\"assistant\",", ""),
                OPENAI.replace("\"content\":\"Hi \\\"there\\\" {[\",", ""),
                OPENAI.replace("\"annotations\":[]", "\"annotations\":[],\"tool_calls\":[]"),
                OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL + "]"),
                OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL + "," + CALL.replace("\"type\":\"function\",", "") + "]"),
                OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL.replace("\"type\":\"function\"", "\"type\":null") + "]"),
                OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL.replace("\"call_1\"", "null").replace("\"type\":\"function\",", "") + "]"),
                OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL + "]").replace("\"Hi \\\"there\\\" {[\"", "\"\""),
                OPENAI.replace("\"Hi \\\"there\\\" {[\"", "\"\""),
                OPENAI.replace("\"message\":{", "\"message\":null,\"m\":{"),
                OPENAI.replace("\"choices\":[{", "\"choices\":[1,{"),
                OPENAI.replace("\"usage\":{\"prompt_tokens\":9", "\"usage\":{\"prompt_tokens\":\"9\""),
                OPENAI.replace("\"usage\":{", "\"usage\":null,\"u\":{"),
                "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]}");
        assertThat(shapes.subList(1, shapes.size())).as("every edit applied").doesNotContain(OPENAI).doesNotHaveDuplicates();
        for (String shape : shapes) {
            JsonObject tree = new JsonObject(shape);
            boolean unchanged = !Completions.normalizeCompletion(tree, "m");
            assertThat(scan(shape)).as(shape).isEqualTo(unchanged ? Tokens.of(new JsonObject(shape)) : null);
        }
    }

    @Test
    void passes_complete_tool_calls_and_leaves_untyped_ones_errors_and_anything_odd_to_the_object_path() {
        assertThat(scan(OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL + "]"))).isEqualTo(new Tokens(9, 14));
        assertThat(scan(OPENAI.replace("\"annotations\":[]", "\"tool_calls\":[" + CALL.replace("\"type\":\"function\",", "") + "]")))
                .isNull();
        assertThat(scan(OPENAI.replace("\"service_tier\"", "\"error\":{\"message\":\"no\"},\"service_tier\""))).isNull();
        assertThat(scan(OPENAI.replace("\"service_tier\"", "\"error\":null,\"service_tier\""))).isEqualTo(new Tokens(9, 14));
        assertThat(scan(OPENAI.replace("\"choices\":[", "\"choices\":{\"a\":[").replace("}],", "}]},"))).isNull();
        assertThat(scan(OPENAI + " {}")).as("trailing value").isNull();
        assertThat(scan(OPENAI.substring(0, 100))).as("cut short").isNull();
        assertThat(scan("[1,2]")).isNull();
        assertThat(scan("")).isNull();
    }
}
