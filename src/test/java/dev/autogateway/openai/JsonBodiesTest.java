package dev.autogateway.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {
    private static final String REQUEST = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 🙂\"}],"
            + "\"temperature\":0.5,\"max_tokens\":12,\"seed\":12345678901,\"big\":123456789012345678901234567890,"
            + "\"stream\":false,\"stop\":null,\"nested\":{\"a\":[1,2.5,true,{}],\"b\":[]}}";

    @Test
    void reads_an_object_as_vertx_does_values_and_number_types_alike() {
        JsonObject expected = new JsonObject(REQUEST);
        JsonObject read = JsonBodies.object(Buffer.buffer(REQUEST));
        assertThat(read).isEqualTo(expected);
        assertThat(read.getValue("max_tokens")).isInstanceOf(Integer.class);
        assertThat(read.getValue("seed")).isInstanceOf(Long.class);
        assertThat(read.getValue("temperature")).isInstanceOf(Double.class);
        assertThat(read.getJsonArray("messages").getJsonObject(0).getString("content")).isEqualTo("hé 🙂");
        assertThat(read.fieldNames()).as("in the client's order").containsExactlyElementsOf(expected.fieldNames());
    }

    @Test
    void reads_only_its_own_slice_of_a_larger_buffer_and_direct_buffers_too() {
        byte[] bytes = ("xx" + REQUEST + "yy").getBytes(StandardCharsets.UTF_8);
        Buffer slice = Buffer.buffer(bytes).slice(2, bytes.length - 2);
        assertThat(JsonBodies.object(slice)).isEqualTo(new JsonObject(REQUEST));
        Buffer direct = BufferInternal.buffer(Unpooled.directBuffer().writeBytes(REQUEST.getBytes(StandardCharsets.UTF_8)));
        assertThat(JsonBodies.object(direct)).isEqualTo(new JsonObject(REQUEST));
    }

    @Test
    void refuses_what_is_not_exactly_one_json_object() {
        for (String body : new String[] {"[1]", "null", "\"text\"", "42", "{\"a\":1} {\"b\":2}", "{\"a\":1}]", "{\"a\":", "{'a':1}", ""}) {
            assertThatThrownBy(() -> JsonBodies.object(Buffer.buffer(body))).as(body).isInstanceOf(DecodeException.class);
        }
    }
}
