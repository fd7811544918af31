package dev.concourse.internal.resourcetype;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of Concourse's resource protocol ({@code atc/resource/resource.go}): the request on a
 * script's stdin and the response on its stdout, read the way Go's {@code json.Decoder} reads it
 * (the first JSON value counts, anything after it is ignored; versions and metadata hold strings
 * only, a {@code null} string being empty).
 */
final class ProtocolJson {
    /** Go's {@code json.Marshal} writes map keys sorted. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int QUOTED_OUTPUT = 200;

    private ProtocolJson() {
    }

    /**
     * {@code {"source": ..., "params": ..., "version": ...}}: params and version left out when empty
     * ({@code omitempty}); an empty source is written as {@code {}}.
     */
    static byte[] request(Map<String, Object> source, Map<String, Object> params, Version version) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("source", source);
        if (!params.isEmpty()) {
            request.put("params", params);
        }
        if (version != null && !version.fields().isEmpty()) {
            request.put("version", version.fields());
        }
        StringBuilder json = new StringBuilder("{");
        request.forEach((key, value) -> json.append(json.length() == 1 ? "" : ",").append('"').append(key)
                .append("\":").append(JSON.writeValueAsString(value)));
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A check's output: an array of versions (a {@code null} or no output at all is none). */
    static List<Version> versions(byte[] stdout, String script) {
        JsonNode root = parse(stdout, script);
        if (root == null || root.isNull()) {
            return List.of();
        }
        if (!root.isArray()) {
            throw new ResourceException("resource script '" + script + "' printed " + kind(root)
                    + " where a check prints an array of versions; its output began: " + quote(stdout));
        }
        List<Version> versions = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode element = root.get(i);
            if (element == null || element.isNull()) {
                throw new ResourceException("resource script '" + script + "' printed a null version (at index " + i
                        + "); its output began: " + quote(stdout));
            }
            versions.add(version(element, script, stdout, "version at index " + i));
        }
        return versions;
    }

    /** A get's or put's output: {@code {"version": {...}, "metadata": [...]}} with a version. */
    static ResourceResult result(byte[] stdout, String script) {
        JsonNode root = parse(stdout, script);
        if (root == null) {
            throw new ResourceException("resource script '" + script + "' printed nothing on stdout; it must print "
                    + "{\"version\": {...}, \"metadata\": [...]}");
        }
        if (!root.isObject()) {
            throw new ResourceException("resource script '" + script + "' printed " + kind(root) + " where "
                    + "{\"version\": {...}, \"metadata\": [...]} belongs; its output began: " + quote(stdout));
        }
        JsonNode version = root.get("version");
        if (version == null || version.isNull()) {
            throw new ResourceException("resource script '" + script + "' output a null version; its output began: "
                    + quote(stdout));
        }
        return new ResourceResult(version(version, script, stdout, "version"), metadata(root.get("metadata"), script,
                stdout));
    }

    private static JsonNode parse(byte[] stdout, String script) {
        try (JsonParser parser = JSON.createParser(stdout)) {
            if (parser.nextToken() == null) {
                return null;
            }
            return JSON.readTree(parser);
        } catch (JacksonException e) {
            throw new ResourceException("resource script '" + script + "' printed invalid JSON (" + e.getOriginalMessage()
                    + "); its output began: " + quote(stdout), e);
        }
    }

    private static Version version(JsonNode node, String script, byte[] stdout, String what) {
        if (!node.isObject()) {
            throw new ResourceException("resource script '" + script + "' printed " + kind(node) + " as its " + what
                    + "; a version is an object of strings; its output began: " + quote(stdout));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            fields.put(field.getKey(), string(field.getValue(), script, stdout, what + " field '" + field.getKey() + "'"));
        }
        return new Version(fields);
    }

    private static List<MetadataField> metadata(JsonNode node, String script, byte[] stdout) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ResourceException("resource script '" + script + "' printed " + kind(node) + " as its metadata; "
                    + "metadata is a list of {\"name\": ..., \"value\": ...}; its output began: " + quote(stdout));
        }
        List<MetadataField> fields = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode field = node.get(i);
            if (field.isNull()) {
                continue;
            }
            if (!field.isObject()) {
                throw new ResourceException("resource script '" + script + "' printed " + kind(field) + " as metadata"
                        + " field " + i + "; it must be {\"name\": ..., \"value\": ...}; its output began: "
                        + quote(stdout));
            }
            fields.add(new MetadataField(string(field.get("name"), script, stdout, "metadata field " + i + " name"),
                    string(field.get("value"), script, stdout, "metadata field " + i + " value")));
        }
        return fields;
    }

    private static String string(JsonNode node, String script, byte[] stdout, String what) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isString()) {
            throw new ResourceException("resource script '" + script + "' printed " + kind(node) + " as its " + what
                    + ", which must be a string; its output began: " + quote(stdout));
        }
        return node.asString();
    }

    private static String kind(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isString()) {
            return "a string";
        }
        return "null";
    }

    /** The first 200 characters of the output, quoted, for messages. */
    static String quote(byte[] stdout) {
        String text = new String(stdout, StandardCharsets.UTF_8);
        boolean cut = text.length() > QUOTED_OUTPUT;
        String head = cut ? text.substring(0, QUOTED_OUTPUT) : text;
        StringBuilder q = new StringBuilder("\"");
        head.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\x%02x", c));
                    } else {
                        q.appendCodePoint(c);
                    }
                }
            }
        });
        return q.append('"').append(cut ? "..." : "").toString();
    }
}
