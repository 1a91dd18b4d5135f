package dev.autogateway.provider.google;

import com.google.genai.types.Candidate;
import com.google.genai.types.Content;
import com.google.genai.types.FinishReason;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.Part;
import dev.autogateway.openai.Completions;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** A Gemini answer as an OpenAI {@code chat.completion}; also the rules the stream mapper shares. */
final class GeminiResponseMapper {
    private GeminiResponseMapper() {}

    private static final Set<String> CONTENT_FILTERED = Set.of("SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT",
            "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    /**
     * Endings that mean the model failed to produce a usable answer: passed off as "stop" (as the original did) the
     * client would get a truncated or empty answer, so they fail the attempt and the router tries again elsewhere.
     */
    private static final Set<String> FAILED = Set.of("MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "MALFORMED_RESPONSE");

    static JsonObject completion(GenerateContentResponse r, String model) {
        List<Candidate> candidates = r.candidates().orElse(List.of());
        JsonArray choices = new JsonArray();
        if (candidates.isEmpty()) {
            if (!promptBlocked(r)) {
                throw new UpstreamFailure(ErrorClass.MALFORMED, "Gemini answered without a candidate");
            }
            choices.add(Completions.choice(0, message("", "", new JsonArray(), true), "content_filter"));
        }
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            String ending = ending(c);
            checkEnding(ending, c);
            StringBuilder text = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            JsonArray calls = new JsonArray();
            for (Part p : parts(c)) {
                if (p.functionCall().isPresent()) {
                    calls.add(toolCall(p.functionCall().get(), p.thoughtSignature()));
                } else if (p.text().isPresent()) {
                    (isThought(p) ? reasoning : text).append(p.text().get());
                }
            }
            String finish = finishReason(ending, !calls.isEmpty());
            choices.add(Completions.choice(c.index().orElse(i), message(text.toString(), reasoning.toString(), calls,
                    finish.equals("content_filter")), finish));
        }
        JsonObject completion = Completions.completion(model, choices);
        r.usageMetadata().ifPresent(u -> completion.put("usage", usage(u)));
        return completion;
    }

    private static JsonObject message(String text, String reasoning, JsonArray calls, boolean filtered) {
        JsonObject m = new JsonObject().put("role", "assistant")
                .put("content", text.isEmpty() && (!calls.isEmpty() || filtered) ? null : text)
                .put("refusal", null);
        if (!reasoning.isEmpty()) {
            m.put("reasoning_content", reasoning);
        }
        if (!calls.isEmpty()) {
            m.put("tool_calls", calls);
        }
        return m;
    }

    static List<Part> parts(Candidate c) {
        return c.content().flatMap(Content::parts).orElse(List.of());
    }

    static boolean isThought(Part p) {
        return p.thought().orElse(false);
    }

    /** The candidate's finish reason as Gemini spelled it, or null while it is still generating. */
    static String ending(Candidate c) {
        return c.finishReason().map(FinishReason::toString)
                .filter(s -> !s.isEmpty() && !s.equals("FINISH_REASON_UNSPECIFIED")).orElse(null);
    }

    static void checkEnding(String ending, Candidate c) {
        if (ending != null && FAILED.contains(ending)) {
            throw new UpstreamFailure(ErrorClass.MALFORMED, "Gemini ended the answer with " + ending
                    + c.finishMessage().map(m -> ": " + m).orElse(""));
        }
    }

    static String finishReason(String ending, boolean calledTools) {
        if ("MAX_TOKENS".equals(ending)) {
            return "length";
        }
        if (ending != null && CONTENT_FILTERED.contains(ending)) {
            return "content_filter";
        }
        return calledTools ? "tool_calls" : "stop";
    }

    /** A prompt Gemini refused to answer comes back with no candidate and a block reason. */
    static boolean promptBlocked(GenerateContentResponse r) {
        return r.promptFeedback().flatMap(f -> f.blockReason()).isPresent();
    }

    /**
     * An OpenAI tool call with a new {@code call_} id (Gemini's own ids are optional and not unique across turns).
     * A thought signature goes with it as {@code extra_content.google.thought_signature}, the field Google's own
     * OpenAI-compatible endpoint uses, so a client that sends the message back lets Gemini validate its reasoning.
     */
    static JsonObject toolCall(FunctionCall call, Optional<byte[]> signature) {
        Map<String, Object> args = call.args().orElse(Map.of());
        JsonObject tc = new JsonObject()
                .put("id", "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
                .put("type", "function")
                .put("function", new JsonObject().put("name", call.name().orElse("")).put("arguments", Json.encode(args)));
        signature.filter(s -> s.length > 0).ifPresent(s -> tc.put("extra_content",
                new JsonObject().put("google", new JsonObject().put("thought_signature", Base64.getEncoder().encodeToString(s)))));
        return tc;
    }

    /**
     * OpenAI counts reasoning in completion_tokens and the tool-use prompt in prompt_tokens; Gemini counts them apart
     * (its total includes both), so they are added back here and also reported in the details.
     */
    static JsonObject usage(GenerateContentResponseUsageMetadata u) {
        long prompt = u.promptTokenCount().orElse(0) + u.toolUsePromptTokenCount().orElse(0);
        long thoughts = u.thoughtsTokenCount().orElse(0);
        long completion = u.candidatesTokenCount().orElse(0) + thoughts;
        long total = u.totalTokenCount().map(Integer::longValue).orElse(prompt + completion);
        return new JsonObject()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", total)
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", u.cachedContentTokenCount().orElse(0)))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", thoughts));
    }
}
