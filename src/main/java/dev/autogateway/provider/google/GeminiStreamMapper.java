package dev.autogateway.provider.google;

import com.google.genai.types.Candidate;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import dev.autogateway.openai.Completions;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gemini's streamed responses as OpenAI {@code chat.completion.chunk}s: one id for the whole stream, a role chunk
 * before each choice's first delta, text and thought deltas, one delta per function call (Gemini sends each call
 * whole), a finish chunk, and the usage chunk last when the client asked for it. One per stream, used by the one
 * thread that reads the stream.
 */
final class GeminiStreamMapper {
    private final String id = Completions.newId();
    private final long created = Completions.now();
    private final String model;
    private final boolean includeUsage;
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private GenerateContentResponseUsageMetadata usage;

    private static final class Choice {
        boolean started;
        int toolCalls;
        String finish;
    }

    GeminiStreamMapper(String model, boolean includeUsage) {
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** The chunks for one streamed response. @throws UpstreamFailure when Gemini ended the answer as a failure */
    List<JsonObject> onResponse(GenerateContentResponse r) {
        r.usageMetadata().ifPresent(u -> usage = u);
        List<JsonObject> out = new ArrayList<>();
        List<Candidate> candidates = r.candidates().orElse(List.of());
        if (candidates.isEmpty() && GeminiResponseMapper.promptBlocked(r)) {
            finish(out, 0, choice(0), "content_filter");
        }
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            int index = c.index().orElse(i);
            Choice choice = choice(index);
            String ending = GeminiResponseMapper.ending(c);
            GeminiResponseMapper.checkEnding(ending, c);
            for (Part p : GeminiResponseMapper.parts(c)) {
                if (p.functionCall().isPresent()) {
                    JsonObject call = GeminiResponseMapper.toolCall(p.functionCall().get(), p.thoughtSignature());
                    call.put("index", choice.toolCalls++);
                    delta(out, index, choice, new JsonObject().put("tool_calls", new JsonArray().add(call)));
                } else if (p.text().isPresent() && !p.text().get().isEmpty()) {
                    String field = GeminiResponseMapper.isThought(p) ? "reasoning_content" : "content";
                    delta(out, index, choice, new JsonObject().put(field, p.text().get()));
                }
            }
            if (ending != null && choice.finish == null) {
                finish(out, index, choice, GeminiResponseMapper.finishReason(ending, choice.toolCalls > 0));
            }
        }
        return out;
    }

    /**
     * The chunks after the last response. @throws UpstreamFailure when the stream ended before every choice had a
     * finish reason: a cut stream, never a silent success
     */
    List<JsonObject> onEnd() {
        if (choices.isEmpty() || choices.values().stream().anyMatch(c -> c.finish == null)) {
            throw new UpstreamFailure(ErrorClass.STREAM_CUT, "the Gemini stream ended before the answer finished");
        }
        if (!includeUsage) {
            return List.of();
        }
        JsonObject usageChunk = Completions.chunk(id, created, model, new JsonObject(), null)
                .put("choices", new JsonArray())
                .put("usage", usage == null ? Completions.usage(0, 0) : GeminiResponseMapper.usage(usage));
        return List.of(usageChunk);
    }

    private Choice choice(int index) {
        return choices.computeIfAbsent(index, i -> new Choice());
    }

    private void delta(List<JsonObject> out, int index, Choice choice, JsonObject delta) {
        if (!choice.started) {
            choice.started = true;
            out.add(chunk(index, new JsonObject().put("role", "assistant").put("content", ""), null));
        }
        out.add(chunk(index, delta, null));
    }

    private void finish(List<JsonObject> out, int index, Choice choice, String reason) {
        if (!choice.started) {
            choice.started = true;
            out.add(chunk(index, new JsonObject().put("role", "assistant").put("content", ""), null));
        }
        choice.finish = reason;
        out.add(chunk(index, new JsonObject(), reason));
    }

    private JsonObject chunk(int index, JsonObject delta, String finishReason) {
        JsonObject c = Completions.chunk(id, created, model, delta, finishReason);
        c.getJsonArray("choices").getJsonObject(0).put("index", index);
        return c;
    }
}
