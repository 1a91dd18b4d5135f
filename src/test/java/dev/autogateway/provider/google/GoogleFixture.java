package dev.autogateway.provider.google;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autogateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Config and request builders shared by the Gemini provider tests. */
final class GoogleFixture {
    private GoogleFixture() {}

    static final String MODEL = "gemini-2.5-flash";

    /** Short limits so that failure tests finish fast; no same-target retry unless a test asks for one. */
    static final String ROUTER = "{\"retries\":0,\"timeout\":10,\"connect_timeout\":1,\"first_byte_timeout\":3,"
            + "\"idle_timeout\":3}";

    /** A {@code google} provider entry pointing at the mock. {@code apiKey} and {@code models} are JSON. */
    static JsonObject google(String name, MockGemini mock, Object apiKey, Object models) {
        return new JsonObject().put("name", name).put("type", "google").put("base_url", mock.baseUrl())
                .put("api_key", apiKey).put("models", models);
    }

    static JsonObject defaultModels() {
        return new JsonObject().put(MODEL, new JsonArray().add("vision").add("tool_calls").add("media"))
                .put("gemini-text-only", new JsonArray().add("tool_calls"));
    }

    static JsonObject openAi(String name, String baseUrl, String model) {
        return new JsonObject().put("name", name).put("type", "openai_compatible").put("base_url", baseUrl)
                .put("api_key", "sk-" + name).put("models", new JsonArray().add(model));
    }

    static String config(String router, JsonObject... providers) {
        return new JsonObject().put("router", new JsonObject(router)).put("providers", new JsonArray(List.of((Object[]) providers))).encode();
    }

    static JsonArray messages(JsonObject... ms) {
        JsonArray a = new JsonArray();
        for (JsonObject m : ms) {
            a.add(m);
        }
        return a;
    }

    static JsonObject msg(String role, Object content) {
        return new JsonObject().put("role", role).put("content", content);
    }

    static JsonObject chat(String model, JsonArray messages) {
        return new JsonObject().put("model", model).put("messages", messages);
    }

    static JsonObject hello() {
        return chat(MODEL, messages(msg("user", "hi")));
    }

    static JsonObject message(TestGateway.Response r) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    }

    /** The chunks of a streamed answer, checked to end with [DONE]. */
    static List<JsonObject> chunks(TestGateway.Response r) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        List<String> events = r.events();
        assertThat(events).last().isEqualTo("[DONE]");
        return events.subList(0, events.size() - 1).stream().map(JsonObject::new).toList();
    }

    static JsonObject textPart(String text) {
        return new JsonObject().put("text", text);
    }

    static JsonObject userTurn(JsonObject... parts) {
        return new JsonObject().put("role", "user").put("parts", messages(parts));
    }

    static JsonObject modelTurn(JsonObject... parts) {
        return new JsonObject().put("role", "model").put("parts", messages(parts));
    }
}
