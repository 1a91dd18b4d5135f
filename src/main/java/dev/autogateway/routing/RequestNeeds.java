package dev.autogateway.routing;

import dev.autogateway.openai.ApiError;
import dev.autogateway.openai.ChatRequest;
import dev.autogateway.openai.RequestOutline;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request needs of a target, read once from its body: the kinds of content parts its user messages carry,
 * whether it offers tools, and its estimated prompt size.
 *
 * <p>Content kinds follow the original's {@code _filter_messages}: a part whose type contains "video" needs
 * {@code video_vision}; "image" needs {@code vision} (or {@code img2img}); "audio", "file" or "media" needs
 * {@code media} (the original never filtered audio and file parts, so they reached models that reject them).
 *
 * <p>The prompt estimate is the text of every message (string contents and text parts) plus the tool definitions,
 * at 4 characters per token, plus 4 tokens per message; images, audio and files count nothing. It is meant to be a
 * lower bound for English prose (about 4 characters per token) and more so for code and non-Latin scripts (fewer
 * characters per token), so a target is skipped only when the request surely does not fit; a prompt the estimate
 * misses still gets the upstream's {@code context_length} error and {@code router.context_window_fallbacks}.
 */
public record RequestNeeds(Set<String> imageParts, Set<String> mediaParts, Set<String> videoParts, boolean tools,
        int promptTokens, int outputTokens) {
    public static final RequestNeeds NONE = new RequestNeeds(Set.of(), Set.of(), Set.of(), false, 0, 0);
    private static final int CHARS_PER_TOKEN = 4;
    private static final int TOKENS_PER_MESSAGE = 4;

    /**
     * The request's needs; its prompt is sized only when it was parsed to be ({@link ChatRequest#sizePrompt}: some
     * model has a {@code context_window}, the one thing that reads the estimate), else {@code promptTokens} is 0,
     * which every model fits. A scanned request (see {@link ChatRequest#outline}) brings its counts.
     */
    public static RequestNeeds of(ChatRequest chat) {
        RequestOutline outline = chat.outline();
        if (outline == null) {
            return of(chat.fields(), chat.sizePrompt());
        }
        PartKinds kinds = new PartKinds();
        outline.userPartTypes().forEach(kinds::add);
        return kinds.needs(outline.tools(), chat.sizePrompt() ? estimate(outline.promptChars(), outline.messages()) : 0,
                outline.outputTokens());
    }

    /** @param sizePrompt whether to estimate the prompt's size; an agent's tools and history run to tens of kilobytes */
    static RequestNeeds of(JsonObject fields, boolean sizePrompt) {
        PartKinds kinds = new PartKinds();
        long chars = 0;
        int messages = 0;
        JsonArray msgs = fields.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
        for (Object o : msgs) {
            if (!(o instanceof JsonObject m)) {
                continue;
            }
            messages++;
            Object content = m.getValue("content");
            if (content instanceof String s) {
                chars += s.length();
            } else if (content instanceof JsonArray parts) {
                for (Object p : parts) {
                    if (!(p instanceof JsonObject part)) {
                        continue;
                    }
                    if (part.getValue("text") instanceof String text) {
                        chars += text.length();
                    }
                    if ("user".equals(m.getValue("role")) && part.getValue("type") instanceof String type) {
                        kinds.add(type);
                    }
                }
            }
        }
        boolean tools = nonEmpty(fields.getValue("tools")) || nonEmpty(fields.getValue("functions"));
        if (tools && sizePrompt) {
            chars += encodedLength(fields.getValue("tools"));
        }
        return kinds.needs(tools, sizePrompt ? estimate(chars, messages) : 0, requestedOutput(fields));
    }

    private static int estimate(long chars, int messages) {
        return (int) Math.min(Integer.MAX_VALUE, chars / CHARS_PER_TOKEN + (long) messages * TOKENS_PER_MESSAGE);
    }

    /** The user parts' types by kind; most requests have none, so each set is made at its first type. */
    private static final class PartKinds {
        private Set<String> images = Set.of();
        private Set<String> media = Set.of();
        private Set<String> video = Set.of();

        void add(String type) {
            switch (kind(type)) {
                case IMAGE -> images = with(images, type);
                case MEDIA -> media = with(media, type);
                case VIDEO -> video = with(video, type);
                default -> { }
            }
        }

        private static Set<String> with(Set<String> set, String type) {
            Set<String> out = set.isEmpty() ? new LinkedHashSet<>() : set;
            out.add(type);
            return out;
        }

        RequestNeeds needs(boolean tools, int promptTokens, int outputTokens) {
            return new RequestNeeds(Set.copyOf(images), Set.copyOf(media), Set.copyOf(video), tools, promptTokens,
                    outputTokens);
        }
    }

    /** The answer length the client asked for ({@code max_completion_tokens}, else {@code max_tokens}); 0 if none. */
    private static int requestedOutput(JsonObject fields) {
        Object v = fields.getValue("max_completion_tokens");
        if (!(v instanceof Number)) {
            v = fields.getValue("max_tokens");
        }
        return v instanceof Number n && n.longValue() > 0 ? (int) Math.min(Integer.MAX_VALUE, n.longValue()) : 0;
    }

    private enum Kind { IMAGE, MEDIA, VIDEO, OTHER }

    private static Kind kind(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        if (t.contains("video")) {
            return Kind.VIDEO;
        }
        if (t.contains("image")) {
            return Kind.IMAGE;
        }
        if (t.contains("audio") || t.contains("file") || t.contains("media")) {
            return Kind.MEDIA;
        }
        return Kind.OTHER;
    }

    /**
     * The length of {@code v} encoded as compact JSON, counted without encoding it: an agent's tool definitions run
     * to kilobytes, and encoding them on every request only to count their characters cost more than the rest of
     * routing. Exact but for escapes, which it counts as one character (so the estimate stays a lower bound).
     */
    static long encodedLength(Object v) {
        // The maps and lists themselves: JsonObject's and JsonArray's iterators wrap every entry and value on the way.
        if (v instanceof JsonObject o) {
            v = o.getMap();
        } else if (v instanceof JsonArray a) {
            v = a.getList();
        }
        if (v instanceof String s) {
            return s.length() + 2;
        }
        if (v instanceof Map<?, ?> map) {
            long n = 2 + Math.max(0, map.size() - 1);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                n += String.valueOf(e.getKey()).length() + 3 + encodedLength(e.getValue());
            }
            return n;
        }
        if (v instanceof List<?> list) {
            long n = 2 + Math.max(0, list.size() - 1);
            for (int i = 0; i < list.size(); i++) {
                n += encodedLength(list.get(i));
            }
            return n;
        }
        return String.valueOf(v).length(); // numbers, true, false, null
    }

    private static boolean nonEmpty(Object v) {
        return v instanceof JsonArray a && !a.isEmpty();
    }

    private static boolean supportsImages(Target t) {
        return t.features().contains("vision") || t.features().contains("img2img");
    }

    /**
     * Whether {@code t} can serve the request at all: tools need {@code tool_calls}, the prompt must fit, and the
     * answer length asked for must be within the model's {@code max_output_tokens} (the upstream would refuse it).
     */
    public boolean usableBy(Target t) {
        return (!tools || t.features().contains("tool_calls")) && fits(t) && outputFits(t);
    }

    private boolean outputFits(Target t) {
        return t.spec().maxOutputTokens() <= 0 || outputTokens <= t.spec().maxOutputTokens();
    }

    boolean fits(Target t) {
        return t.spec().contextWindow() <= 0 || promptTokens <= t.spec().contextWindow();
    }

    /** The content part types {@code t} cannot take, which are dropped when the request goes to it. */
    public Set<String> droppedBy(Target t) {
        if (imageParts.isEmpty() && mediaParts.isEmpty() && videoParts.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        if (!supportsImages(t)) {
            out.addAll(imageParts);
        }
        if (!t.features().contains("media")) {
            out.addAll(mediaParts);
        }
        if (!t.features().contains("video_vision")) {
            out.addAll(videoParts);
        }
        return out;
    }

    /** Targets that take every part come first, each group in its given order: content is dropped only as a last resort. */
    List<Target> preferComplete(List<Target> plan) {
        if (imageParts.isEmpty() && mediaParts.isEmpty() && videoParts.isEmpty()) {
            return plan;
        }
        List<Target> complete = new ArrayList<>();
        List<Target> lossy = new ArrayList<>();
        for (Target t : plan) {
            (droppedBy(t).isEmpty() ? complete : lossy).add(t);
        }
        complete.addAll(lossy);
        return complete;
    }

    /** Why none of {@code candidates} can serve the request; {@code candidates} is non-empty. */
    ApiError unservable(List<Target> candidates) {
        if (tools && candidates.stream().noneMatch(t -> t.features().contains("tool_calls"))) {
            return ApiError.invalidRequest("This request has tools, but none of the models that could serve it supports"
                    + " tool calls (models: " + models(candidates) + "). Give a model with the 'tool_calls' feature in"
                    + " the gateway's config, or send the request without tools.", "tools", "tools_not_supported");
        }
        if (candidates.stream().anyMatch(this::fits) && candidates.stream().noneMatch(this::outputFits)) {
            int most = candidates.stream().mapToInt(t -> t.spec().maxOutputTokens()).max().orElse(0);
            return ApiError.invalidRequest("This request asks for up to " + outputTokens + " output tokens, more than"
                    + " every model that could serve it produces (largest max_output_tokens: " + most + ", models: "
                    + models(candidates) + ").", "max_completion_tokens", "invalid_value");
        }
        int largest = candidates.stream().mapToInt(t -> t.spec().contextWindow()).max().orElse(0);
        return ApiError.invalidRequest("This request's prompt is about " + promptTokens + " tokens (estimated), more"
                + " than the context window of every model that could serve it (largest: " + largest + " tokens, models: "
                + models(candidates) + ").", "messages", "context_length_exceeded");
    }

    private static String models(List<Target> targets) {
        return String.join(", ", targets.stream().map(t -> t.provider().name() + "/" + t.model()).distinct().toList());
    }

    /**
     * A copy of {@code fields} whose user messages lack the {@code dropped} part types (see {@link #droppedBy}); a
     * message left with no part gets an empty string, which every upstream accepts.
     */
    static JsonObject without(Set<String> dropped, JsonObject fields) {
        JsonArray filtered = new JsonArray();
        for (Object o : fields.getJsonArray("messages")) {
            if (o instanceof JsonObject m && "user".equals(m.getValue("role")) && m.getValue("content") instanceof JsonArray parts) {
                JsonArray kept = new JsonArray();
                for (Object p : parts) {
                    if (!(p instanceof JsonObject part && part.getValue("type") instanceof String type && dropped.contains(type))) {
                        kept.add(p);
                    }
                }
                filtered.add(m.copy().put("content", kept.isEmpty() ? "" : kept));
            } else {
                filtered.add(o);
            }
        }
        Map<String, Object> copy = new LinkedHashMap<>(fields.getMap());
        copy.put("messages", filtered);
        return new JsonObject(copy);
    }
}
