package dev.autogateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads {@code config.json}: Jackson binds it, {@link ConfigValidator} checks it and fills in defaults. */
public final class ConfigLoader {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    static {
        // "port": "8000" is a mistake worth naming, not something to guess at.
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            MAPPER.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    }

    private ConfigLoader() {}

    public static GatewayConfig load(Path file, Map<String, String> env) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(json, env);
    }

    public static GatewayConfig parse(String json, Map<String, String> env) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException("config: must be a JSON object");
        }
        stripComments((ObjectNode) tree);
        ConfigFile file;
        try {
            file = MAPPER.treeToValue(tree, ConfigFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(path(e) + ": unknown key (known keys: " + e.getKnownPropertyIds() + ")");
        } catch (JsonMappingException e) {
            throw new ConfigException(path(e) + ": " + describe(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException("config: " + e.getOriginalMessage());
        }
        return new ConfigValidator(new EnvRefs(env)).validate(file);
    }

    /** Keys starting with '_' are notes for readers (JSON has no comments); only the schema's own objects lose them. */
    private static void stripComments(ObjectNode root) {
        List<JsonNode> objects = new ArrayList<>(List.of(root));
        objects.add(root.path("server"));
        objects.add(root.path("router"));
        root.path("providers").forEach(objects::add);
        for (JsonNode n : objects) {
            if (n instanceof ObjectNode o) {
                o.properties().removeIf(e -> e.getKey().startsWith("_"));
            }
        }
    }

    /** Jackson's path as a reader writes it: {@code providers[1].base_url}. */
    private static String path(JsonMappingException e) {
        StringBuilder p = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (p.length() > 0) {
                    p.append('.');
                }
                p.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                p.append('[').append(r.getIndex()).append(']');
            }
        }
        return p.length() == 0 ? "config" : p.toString();
    }

    private static String describe(JsonMappingException e) {
        String msg = e.getOriginalMessage();
        if (msg.contains("java.lang.Integer") || msg.contains("java.lang.Long") || msg.contains("`int`")) {
            return "must be an integer";
        }
        if (msg.contains("java.lang.Double")) {
            return "must be a number";
        }
        if (msg.contains("java.lang.String")) {
            return "must be a string";
        }
        if (msg.contains("java.util.List") || msg.contains("ArrayList")) {
            return "must be an array";
        }
        if (msg.contains("from Array value") || msg.contains("from String value") || msg.contains("START_ARRAY")) {
            return "must be an object";
        }
        return msg;
    }
}
