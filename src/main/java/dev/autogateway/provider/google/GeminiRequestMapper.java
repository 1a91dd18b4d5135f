package dev.autogateway.provider.google;

import com.google.genai.types.Blob;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionCallingConfig;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.Part;
import com.google.genai.types.Tool;
import com.google.genai.types.ToolConfig;
import dev.autogateway.provider.ErrorClass;
import dev.autogateway.provider.UpstreamFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an OpenAI chat request into the SDK's contents and config. Pure: http(s) images are downloaded before and
 * handed in by URL. The client's request is read, never changed (attempts share it). A request Gemini cannot be sent
 * fails with a {@link ErrorClass#CLIENT_ERROR} 400 naming the field.
 */
final class GeminiRequestMapper {
    /**
     * Gemini checks that a replayed function call carries the thought signature it issued with it. A call it did not
     * issue (or whose signature the client dropped) gets this documented sentinel, which skips the check.
     */
    static final byte[] SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator".getBytes(StandardCharsets.UTF_8);

    /**
     * OpenAI's request fields. In {@code extra_body} they are read as OpenAI fields; any other key is Gemini's own
     * (e.g. {@code safetySettings}, {@code generationConfig.thinkingConfig}) and is merged into the Gemini request.
     */
    static final Set<String> OPENAI_FIELDS = Set.of(
            "messages", "model", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls",
            "functions", "function_call", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "n",
            "seed", "presence_penalty", "frequency_penalty", "response_format", "logprobs", "top_logprobs",
            "logit_bias", "user", "metadata", "store", "service_tier", "reasoning_effort", "modalities", "audio",
            "prediction", "web_search_options", "verbosity", "safety_identifier", "prompt_cache_key");

    /** What the SDK is handed for one call. {@code extraBody} is raw Gemini JSON merged into the request body. */
    record GeminiRequest(List<Content> contents, GenerateContentConfig config, Map<String, Object> extraBody) {}

    private final JsonObject fields;
    private final JsonObject providerExtra;
    private final JsonObject requestExtra;
    private final Map<String, ImageFetcher.Image> images;
    private final List<Part> system = new ArrayList<>();
    private final List<Turn> turns = new ArrayList<>();
    /** tool_call_id to function name, from the assistant messages seen so far: OpenAI's tool messages carry no name. */
    private final Map<String, String> callNames = new HashMap<>();

    private record Turn(String role, List<Part> parts) {}

    private GeminiRequestMapper(JsonObject fields, JsonObject providerExtra, JsonObject requestExtra,
            Map<String, ImageFetcher.Image> images) {
        this.fields = fields;
        this.providerExtra = providerExtra == null ? new JsonObject() : providerExtra;
        this.requestExtra = requestExtra == null ? new JsonObject() : requestExtra;
        this.images = images;
    }

    /**
     * Audio and file parts are all mapped: the router has already taken them out for a model without the
     * {@code media} feature ({@code RequestNeeds}).
     *
     * @param images the downloaded http(s) images, by URL (see {@link #imageUrls})
     */
    static GeminiRequest map(JsonObject fields, JsonObject providerExtra, JsonObject requestExtra,
            Map<String, ImageFetcher.Image> images) {
        return new GeminiRequestMapper(fields, providerExtra, requestExtra, images).map();
    }

    /** The http(s) image URLs of the request's messages, which must be downloaded before {@link #map}. */
    static Set<String> imageUrls(JsonObject fields) {
        Set<String> urls = new LinkedHashSet<>();
        if (fields.getValue("messages") instanceof JsonArray messages) {
            for (Object m : messages) {
                if (m instanceof JsonObject msg && msg.getValue("content") instanceof JsonArray parts) {
                    for (Object p : parts) {
                        String url = p instanceof JsonObject part ? imageUrl(part) : null;
                        if (url != null && (url.startsWith("http://") || url.startsWith("https://"))) {
                            urls.add(url);
                        }
                    }
                }
            }
        }
        return urls;
    }

    static UpstreamFailure badRequest(String message, String param) {
        JsonObject error = new JsonObject().put("message", message).put("type", "invalid_request_error")
                .put("param", param).put("code", null);
        return new UpstreamFailure(ErrorClass.CLIENT_ERROR, 400, message, -1, error);
    }

    private GeminiRequest map() {
        if (!(param("messages") instanceof JsonArray messages)) {
            throw badRequest("'messages' must be an array", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject m)) {
                throw badRequest("each message must be an object", "messages[" + i + "]");
            }
            message(m, "messages[" + i + "]");
        }
        GenerateContentConfig.Builder config = GenerateContentConfig.builder();
        if (!system.isEmpty()) {
            config.systemInstruction(Content.builder().parts(system).build());
        }
        tools(config);
        generation(config);
        List<Content> contents = turns.stream().map(t -> Content.builder().role(t.role()).parts(t.parts()).build()).toList();
        return new GeminiRequest(contents, config.build(), geminiExtraBody());
    }

    // ---- messages ----

    private void message(JsonObject m, String path) {
        String role = m.getValue("role") instanceof String r ? r : "";
        switch (role) {
            case "system", "developer" -> system.addAll(textParts(m.getValue("content"), path + ".content"));
            case "user" -> add("user", userParts(m.getValue("content"), path + ".content"));
            case "assistant" -> add("model", assistantParts(m, path));
            case "tool" -> add("user", List.of(toolResult(m, path)));
            case "function" -> add("user", List.of(functionResponse(stringOr(m.getValue("name"), "function"), m.getValue("content"))));
            default -> throw badRequest("unsupported message role '" + role + "'", path + ".role");
        }
    }

    /** Gemini wants user and model turns to alternate: consecutive messages of one role become one turn. */
    private void add(String role, List<Part> parts) {
        if (parts.isEmpty()) {
            return;
        }
        Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last != null && last.role().equals(role)) {
            last.parts().addAll(parts);
        } else {
            turns.add(new Turn(role, new ArrayList<>(parts)));
        }
    }

    private List<Part> textParts(Object content, String path) {
        List<Part> parts = new ArrayList<>();
        if (content instanceof String s) {
            addText(parts, s);
        } else if (content instanceof JsonArray items) {
            for (Object o : items) {
                if (o instanceof JsonObject item && "text".equals(item.getValue("type"))) {
                    addText(parts, stringOr(item.getValue("text"), ""));
                }
            }
        } else if (content != null) {
            throw badRequest("content must be a string or an array of parts", path);
        }
        return parts;
    }

    /** Empty text parts are left out: Gemini refuses a part with no data. */
    private static void addText(List<Part> parts, String text) {
        if (!text.isEmpty()) {
            parts.add(Part.builder().text(text).build());
        }
    }

    private List<Part> userParts(Object content, String path) {
        if (!(content instanceof JsonArray items)) {
            return textParts(content, path);
        }
        List<Part> parts = new ArrayList<>();
        for (int j = 0; j < items.size(); j++) {
            if (!(items.getValue(j) instanceof JsonObject item)) {
                throw badRequest("each content part must be an object", path + "[" + j + "]");
            }
            String partPath = path + "[" + j + "]";
            switch (stringOr(item.getValue("type"), "")) {
                case "text" -> addText(parts, stringOr(item.getValue("text"), ""));
                case "image_url" -> parts.add(image(item, partPath));
                case "input_audio" -> parts.add(audio(item, partPath));
                case "file" -> {
                    Part file = file(item, partPath);
                    if (file != null) {
                        parts.add(file);
                    }
                }
                default -> {
                    // Part types Gemini has no counterpart for are left out, as for any provider without the feature.
                }
            }
        }
        return parts;
    }

    private static String imageUrl(JsonObject part) {
        if (!"image_url".equals(part.getValue("type"))) {
            return null;
        }
        Object v = part.getValue("image_url");
        return v instanceof JsonObject o ? stringOr(o.getValue("url"), null) : v instanceof String s ? s : null;
    }

    private Part image(JsonObject item, String path) {
        String url = imageUrl(item);
        if (url == null) {
            throw badRequest("image_url.url is required", path + ".image_url.url");
        }
        if (url.startsWith("data:")) {
            return inline(dataUrl(url, path + ".image_url.url"), dataUrlType(url));
        }
        ImageFetcher.Image fetched = images.get(url);
        if (fetched == null) {
            throw badRequest("image_url.url must be a data: URL or an http(s) URL", path + ".image_url.url");
        }
        return inline(fetched.bytes(), fetched.mimeType());
    }

    private Part audio(JsonObject item, String path) {
        JsonObject audio = item.getValue("input_audio") instanceof JsonObject o ? o : new JsonObject();
        String format = stringOr(audio.getValue("format"), "wav");
        return inline(base64(stringOr(audio.getValue("data"), ""), path + ".input_audio.data"), "audio/" + format);
    }

    /** A file given inline as a data URL; a {@code file_id} names OpenAI's file store, which Gemini cannot read. */
    private Part file(JsonObject item, String path) {
        JsonObject file = item.getValue("file") instanceof JsonObject o ? o : new JsonObject();
        String data = stringOr(file.getValue("file_data"), null);
        if (data == null) {
            return null;
        }
        if (data.startsWith("data:")) {
            return inline(dataUrl(data, path + ".file.file_data"), dataUrlType(data));
        }
        return inline(base64(data, path + ".file.file_data"), "application/pdf");
    }

    private static Part inline(byte[] bytes, String mimeType) {
        return Part.builder().inlineData(Blob.builder().data(bytes).mimeType(mimeType).build()).build();
    }

    /** {@code data:<mime>;base64,<data>}: the only data URL form clients send for binary content. */
    private static byte[] dataUrl(String url, String path) {
        int comma = url.indexOf(',');
        if (comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw badRequest("a data URL must have the form data:<mime type>;base64,<data>", path);
        }
        return base64(url.substring(comma + 1), path);
    }

    private static String dataUrlType(String url) {
        int end = url.indexOf(';');
        String type = end > 5 ? url.substring(5, end) : "";
        return type.isEmpty() ? "application/octet-stream" : type;
    }

    private static byte[] base64(String data, String path) {
        try {
            return Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw badRequest("invalid base64 data: " + e.getMessage(), path);
        }
    }

    private List<Part> assistantParts(JsonObject m, String path) {
        List<Part> parts = textParts(m.getValue("content"), path + ".content");
        JsonArray calls = m.getValue("tool_calls") instanceof JsonArray a ? a : new JsonArray();
        if (calls.isEmpty() && m.getValue("function_call") instanceof JsonObject legacy) {
            calls = new JsonArray().add(new JsonObject().put("function", legacy));
        }
        // Gemini signs only the first call of a parallel step; when the client kept that signature, the other calls
        // must go back unsigned as they came. Only when it kept none does every call get the sentinel.
        boolean anySigned = false;
        for (Object o : calls) {
            anySigned |= o instanceof JsonObject c && signature(c) != null;
        }
        for (int j = 0; j < calls.size(); j++) {
            String callPath = path + ".tool_calls[" + j + "]";
            if (!(calls.getValue(j) instanceof JsonObject call) || !(call.getValue("function") instanceof JsonObject fn)
                    || !(fn.getValue("name") instanceof String name)) {
                throw badRequest("each tool call needs function.name", callPath);
            }
            if (call.getValue("id") instanceof String id) {
                callNames.put(id, name);
            }
            Part.Builder part = Part.builder().functionCall(FunctionCall.builder().name(name)
                    .args(arguments(fn.getValue("arguments"), callPath + ".function.arguments")).build());
            byte[] signature = signature(call);
            if (signature != null) {
                part.thoughtSignature(signature);
            } else if (!anySigned) {
                part.thoughtSignature(SKIP_THOUGHT_SIGNATURE);
            }
            parts.add(part.build());
        }
        return parts;
    }

    /** The signature the gateway handed out with the call ({@code extra_content.google.thought_signature}), if kept. */
    private static byte[] signature(JsonObject call) {
        if (call.getValue("extra_content") instanceof JsonObject extra && extra.getValue("google") instanceof JsonObject g
                && g.getValue("thought_signature") instanceof String s && !s.isEmpty()) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static Map<String, Object> arguments(Object raw, String path) {
        if (raw == null || (raw instanceof String s && s.isBlank())) {
            return Map.of();
        }
        if (raw instanceof JsonObject o) {
            return plainMap(o);
        }
        try {
            if (raw instanceof String s && Json.decodeValue(s) instanceof JsonObject o) {
                return plainMap(o);
            }
        } catch (DecodeException e) {
            // reported below
        }
        throw badRequest("function arguments must be a JSON object", path);
    }

    private Part toolResult(JsonObject m, String path) {
        String id = stringOr(m.getValue("tool_call_id"), null);
        String name = id == null ? null : callNames.get(id);
        if (name == null) {
            name = stringOr(m.getValue("name"), null);
        }
        if (name == null) {
            throw badRequest("tool_call_id '" + id + "' matches no tool call of an earlier assistant message", path + ".tool_call_id");
        }
        return functionResponse(name, m.getValue("content"));
    }

    /** Gemini wants the result as an object: a JSON object result is passed as is, anything else as {"result": ...}. */
    private static Part functionResponse(String name, Object content) {
        String text = content instanceof String s ? s : content instanceof JsonArray parts ? joinText(parts) : null;
        Map<String, Object> response;
        Object parsed = null;
        if (text != null) {
            try {
                parsed = Json.decodeValue(text);
            } catch (DecodeException notJson) {
                parsed = text;
            }
        }
        if (parsed instanceof JsonObject o) {
            response = plainMap(o);
        } else {
            response = new LinkedHashMap<>();
            response.put("result", plain(parsed == null ? "" : parsed));
        }
        return Part.builder().functionResponse(FunctionResponse.builder().name(name).response(response).build()).build();
    }

    private static String joinText(JsonArray parts) {
        StringBuilder out = new StringBuilder();
        for (Object o : parts) {
            if (o instanceof JsonObject p && p.getValue("text") instanceof String t) {
                out.append(t);
            }
        }
        return out.toString();
    }

    // ---- tools ----

    private void tools(GenerateContentConfig.Builder config) {
        if (!(param("tools") instanceof JsonArray tools) || tools.isEmpty()) {
            return;
        }
        List<FunctionDeclaration> declarations = new ArrayList<>();
        for (int j = 0; j < tools.size(); j++) {
            if (!(tools.getValue(j) instanceof JsonObject tool) || !(tool.getValue("function") instanceof JsonObject fn)) {
                continue;
            }
            if (!(fn.getValue("name") instanceof String name) || name.isEmpty()) {
                throw badRequest("each function tool needs a name", "tools[" + j + "].function.name");
            }
            FunctionDeclaration.Builder d = FunctionDeclaration.builder().name(name);
            if (fn.getValue("description") instanceof String description) {
                d.description(description);
            }
            if (fn.getValue("parameters") instanceof JsonObject schema) {
                // Gemini reads JSON Schema as is here, unlike the OpenAPI subset of 'parameters'.
                d.parametersJsonSchema(plainMap(schema));
            }
            declarations.add(d.build());
        }
        if (declarations.isEmpty()) {
            return;
        }
        config.tools(Tool.builder().functionDeclarations(declarations).build());
        FunctionCallingConfig calling = toolChoice(param("tool_choice"));
        if (calling != null) {
            config.toolConfig(ToolConfig.builder().functionCallingConfig(calling).build());
        }
    }

    private static FunctionCallingConfig toolChoice(Object choice) {
        if (choice instanceof String s) {
            return switch (s) {
                case "none" -> FunctionCallingConfig.builder().mode("NONE").build();
                case "auto" -> FunctionCallingConfig.builder().mode("AUTO").build();
                case "required" -> FunctionCallingConfig.builder().mode("ANY").build();
                default -> throw badRequest("tool_choice must be none, auto, required or a function", "tool_choice");
            };
        }
        if (choice instanceof JsonObject o && o.getValue("function") instanceof JsonObject fn && fn.getValue("name") instanceof String name) {
            return FunctionCallingConfig.builder().mode("ANY").allowedFunctionNames(name).build();
        }
        if (choice != null) {
            throw badRequest("tool_choice must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}}", "tool_choice");
        }
        return null;
    }

    // ---- generation parameters ----

    /** Parameters of the wrong type or without a Gemini counterpart are ignored, as the issue asks, never refused. */
    private void generation(GenerateContentConfig.Builder config) {
        if (param("temperature") instanceof Number n) {
            config.temperature(n.floatValue());
        }
        if (param("top_p") instanceof Number n) {
            config.topP(n.floatValue());
        }
        Object max = param("max_completion_tokens") instanceof Number n ? n : param("max_tokens");
        if (max instanceof Number n) {
            config.maxOutputTokens(n.intValue());
        }
        Object stop = param("stop");
        if (stop instanceof String s) {
            config.stopSequences(List.of(s));
        } else if (stop instanceof JsonArray a && !a.isEmpty()) {
            config.stopSequences(a.stream().filter(String.class::isInstance).map(String.class::cast).toList());
        }
        if (param("n") instanceof Number n) {
            config.candidateCount(n.intValue());
        }
        if (param("seed") instanceof Number n && n.longValue() == n.intValue()) {
            config.seed(n.intValue());
        }
        if (param("presence_penalty") instanceof Number n) {
            config.presencePenalty(n.floatValue());
        }
        if (param("frequency_penalty") instanceof Number n) {
            config.frequencyPenalty(n.floatValue());
        }
        if (param("response_format") instanceof JsonObject format) {
            switch (stringOr(format.getValue("type"), "")) {
                case "json_object" -> config.responseMimeType("application/json");
                case "json_schema" -> {
                    config.responseMimeType("application/json");
                    if (format.getValue("json_schema") instanceof JsonObject js && js.getValue("schema") instanceof JsonObject schema) {
                        config.responseJsonSchema(plainMap(schema));
                    }
                }
                default -> {
                    // "text" is Gemini's default
                }
            }
        }
    }

    /** The request's extra_body wins over the provider's, which wins over the client's fields (as for OpenAI). */
    private Object param(String name) {
        if (requestExtra.containsKey(name)) {
            return requestExtra.getValue(name);
        }
        if (providerExtra.containsKey(name)) {
            return providerExtra.getValue(name);
        }
        return fields.getValue(name);
    }

    private Map<String, Object> geminiExtraBody() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonObject extra : List.of(providerExtra, requestExtra)) {
            for (String key : extra.fieldNames()) {
                if (!OPENAI_FIELDS.contains(key)) {
                    out.put(key, plain(extra.getValue(key)));
                }
            }
        }
        return out;
    }

    // ---- JSON helpers ----

    /** Vert.x JSON as plain maps and lists: the SDK's Jackson would serialize a JsonObject as a bean. */
    static Map<String, Object> plainMap(JsonObject o) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : o) {
            out.put(e.getKey(), plain(e.getValue()));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof JsonObject o) {
            return plainMap(o);
        }
        if (v instanceof JsonArray a) {
            List<Object> out = new ArrayList<>(a.size());
            for (Object item : a) {
                out.add(plain(item));
            }
            return out;
        }
        return v;
    }

    private static String stringOr(Object v, String dflt) {
        return v instanceof String s ? s : dflt;
    }
}
