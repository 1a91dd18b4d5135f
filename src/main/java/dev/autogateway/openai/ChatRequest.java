package dev.autogateway.openai;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A validated {@code POST /v1/chat/completions} body. {@code fields} is everything the client sent except the
 * gateway's own extras, so every OpenAI field, known or not, reaches the upstream unchanged. A request that
 * {@link RequestScan} read has its fields built only when first asked for (most never are: their bytes go upstream
 * as they are), and carries the {@link RequestOutline} routing reads instead.
 */
public final class ChatRequest {
    private final Buffer body;
    private volatile JsonObject fields;
    private final String model;
    private final boolean stream;
    private final boolean includeUsage;
    private final String provider;
    private final String alias;
    private final boolean strictAlias;
    private final JsonObject extraBody;
    private final RequestOutline outline;
    private final boolean sizePrompt;
    /** Where the model's value lies in {@code body} (equal: where a model field would go); -1 when not known. */
    private final int modelStart;
    private final int modelEnd;

    private ChatRequest(JsonObject fields, Buffer body, String model, boolean stream, boolean includeUsage,
            String provider, String alias, boolean strictAlias, JsonObject extraBody, RequestOutline outline,
            boolean sizePrompt, int modelStart, int modelEnd) {
        this.fields = fields;
        this.body = body;
        this.model = model;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.provider = provider;
        this.alias = alias;
        this.strictAlias = strictAlias;
        this.extraBody = extraBody;
        this.outline = outline;
        this.sizePrompt = sizePrompt;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
    }

    /** A request {@link RequestScan} vouched for: no gateway extras, so its bytes are its fields. */
    static ChatRequest scanned(Buffer body, String model, int modelStart, int modelEnd, boolean stream,
            boolean includeUsage, RequestOutline outline, boolean sizePrompt) {
        return new ChatRequest(null, body, model, stream, includeUsage, null, null, true, null, outline, sizePrompt,
                modelStart, modelEnd);
    }

    /** Everything the client sent but the gateway's extras; shared, not to be mutated. */
    public JsonObject fields() {
        JsonObject f = fields;
        if (f == null) {
            // Any thread may be first (a provider's worker); a race only builds equal objects twice.
            f = JsonBodies.object(body);
            fields = f;
        }
        return f;
    }

    /**
     * The client's bytes, when they are {@code fields} exactly (no gateway extras to strip): an upstream sent the same
     * fields and model gets them as they are, without a JSON encode; null otherwise.
     */
    public Buffer body() {
        return body;
    }

    /**
     * The client's bytes as they would encode {@code fields} with {@code model} as the model: {@link #body} itself for
     * the model asked for; for another (a client asking for {@code auto}, a list or an alias), a copy with the model's
     * value replaced, when the request was scanned. Null when neither: the provider writes the fields.
     */
    public Buffer bodyFor(String model) {
        if (body == null || model.equals(this.model)) {
            return body;
        }
        if (modelStart < 0) {
            return null;
        }
        String value = Json.encode(model);
        String replacement = modelStart == modelEnd ? "\"model\":" + value + "," : value;
        return Buffer.buffer(body.length() + replacement.length())
                .appendBuffer(body, 0, modelStart)
                .appendString(replacement)
                .appendBuffer(body, modelEnd, body.length() - modelEnd);
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    public boolean includeUsage() {
        return includeUsage;
    }

    public String provider() {
        return provider;
    }

    public String alias() {
        return alias;
    }

    public boolean strictAlias() {
        return strictAlias;
    }

    public JsonObject extraBody() {
        return extraBody;
    }

    /** What routing reads, when the request was scanned; null when it was read as an object (use {@link #fields}). */
    public RequestOutline outline() {
        return outline;
    }

    /** Whether routing estimates this request's prompt size, as decided when it was parsed. */
    public boolean sizePrompt() {
        return sizePrompt;
    }

    /** The seed's request extras; they steer the gateway and never go upstream. */
    static final Set<String> GATEWAY_FIELDS = Set.of("provider", "alias", "strict_alias", "extra_body");
    static final Set<String> ROLES = Set.of("developer", "system", "user", "assistant", "tool", "function");

    /**
     * The request, read by one scan of its bytes when it has the usual shape ({@link RequestScan}), else as an object.
     *
     * @param sizePrompt whether routing estimates the prompt's size (some model has a {@code context_window}), so the
     *     scan counts its characters; {@code RequestNeeds} reads the decision back from the request
     */
    public static ChatRequest parse(Buffer body, boolean sizePrompt) {
        ChatRequest scanned = body == null ? null : RequestScan.read(body, sizePrompt);
        return scanned != null ? scanned : parseObject(body, sizePrompt);
    }

    /** The request read as an object, which validates it and names what is wrong. */
    static ChatRequest parseObject(Buffer body, boolean sizePrompt) {
        JsonObject json;
        try {
            json = body == null || body.length() == 0 ? null : JsonBodies.object(body);
        } catch (DecodeException e) {
            throw ApiError.invalidRequest("We could not parse the JSON body of your request. (HINT: This likely means"
                    + " you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)", null);
        }
        if (json == null) {
            throw ApiError.invalidRequest("The request body is empty; expected a JSON object.", null);
        }
        return validate(json, body, sizePrompt);
    }

    private static ChatRequest validate(JsonObject json, Buffer body, boolean sizePrompt) {
        Object model = json.getMap().get("model");
        if (model != null && !(model instanceof String)) {
            throw ApiError.invalidRequest("'model' must be a string.", "model");
        }
        validateMessages(json.getValue("messages"));
        boolean stream = bool(json, "stream", false);
        boolean strictAlias = bool(json, "strict_alias", true);
        String provider = string(json, "provider");
        String alias = string(json, "alias");
        Object extra = json.getValue("extra_body");
        if (extra != null && !(extra instanceof JsonObject)) {
            throw ApiError.invalidRequest("'extra_body' must be an object.", "extra_body");
        }
        Object options = json.getValue("stream_options");
        if (options != null && !(options instanceof JsonObject)) {
            throw ApiError.invalidRequest("'stream_options' must be an object.", "stream_options");
        }
        boolean includeUsage = stream && options instanceof JsonObject o && Boolean.TRUE.equals(o.getValue("include_usage"));

        JsonObject fields = json;
        if (hasGatewayFields(json)) {
            Map<String, Object> kept = new LinkedHashMap<>(json.getMap());
            kept.keySet().removeAll(GATEWAY_FIELDS);
            fields = new JsonObject(kept);
            body = null;
        }
        return new ChatRequest(fields, body, (String) model, stream, includeUsage, provider, alias,
                strictAlias, extra == null ? null : (JsonObject) extra, null, sizePrompt, -1, -1);
    }

    private static boolean hasGatewayFields(JsonObject json) {
        for (String f : GATEWAY_FIELDS) {
            if (json.containsKey(f)) {
                return true;
            }
        }
        return false;
    }

    /** The same request with {@code partial} as the start of the assistant's answer, for models that continue it. */
    public ChatRequest withPrefill(String partial) {
        JsonArray messages = fields().getJsonArray("messages").copy()
                .add(new JsonObject().put("role", "assistant").put("content", partial));
        Map<String, Object> copy = new LinkedHashMap<>(fields().getMap());
        copy.put("messages", messages);
        return new ChatRequest(new JsonObject(copy), null, model, stream, includeUsage, provider, alias, strictAlias,
                extraBody, null, sizePrompt, -1, -1);
    }

    private static void validateMessages(Object value) {
        if (value == null) {
            throw ApiError.invalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!(value instanceof JsonArray messages)) {
            throw ApiError.invalidRequest("Invalid type for 'messages': expected an array of objects.", "messages", "invalid_type");
        }
        if (messages.isEmpty()) {
            throw ApiError.invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.",
                    "messages", "empty_array");
        }
        // A conversation may carry hundreds of messages: nothing is built for one that is valid, not even its name.
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject m)) {
                throw ApiError.invalidRequest("Invalid type for '" + message(i) + "': expected an object.", message(i),
                        "invalid_type");
            }
            Object role = m.getMap().get("role");
            if (role == null) {
                throw ApiError.invalidRequest("Missing required parameter: '" + message(i) + ".role'.", message(i) + ".role",
                        "missing_required_parameter");
            }
            if (!(role instanceof String r) || !ROLES.contains(r)) {
                throw ApiError.invalidRequest("Invalid value for '" + message(i) + ".role': " + role + ". Supported values are: "
                        + "'developer', 'system', 'user', 'assistant', 'tool' and 'function'.", message(i) + ".role",
                        "invalid_value");
            }
            if ("tool".equals(role) && !(m.getMap().get("tool_call_id") instanceof String)) {
                throw ApiError.invalidRequest("Missing required parameter: '" + message(i) + ".tool_call_id'.",
                        message(i) + ".tool_call_id", "missing_required_parameter");
            }
        }
    }

    private static String message(int i) {
        return "messages[" + i + "]";
    }

    // Scalars are read from the map itself: getValue would first check whether each needs wrapping as JSON.
    private static boolean bool(JsonObject json, String field, boolean dflt) {
        Object v = json.getMap().get(field);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw ApiError.invalidRequest("Invalid type for '" + field + "': expected a boolean.", field, "invalid_type");
        }
        return b;
    }

    private static String string(JsonObject json, String field) {
        Object v = json.getMap().get(field);
        if (v != null && !(v instanceof String)) {
            throw ApiError.invalidRequest("Invalid type for '" + field + "': expected a string.", field, "invalid_type");
        }
        return (String) v;
    }
}
