package dev.concourse.internal.resourcetype.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a task needs of an image's configuration blob ({@code config.Env}, {@code User},
 * {@code Entrypoint}, {@code Cmd}), written to {@code metadata.json} as registry-image does, and
 * its {@code Labels} ({@code labels.json}).
 */
public record ImageConfig(List<String> env, String user, List<String> entrypoint, List<String> cmd,
        Map<String, String> labels) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads a configuration blob; missing fields are empty. */
    static ImageConfig parse(byte[] body) {
        JsonNode config;
        try {
            config = JSON.readTree(body).path("config");
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the image configuration is not JSON: " + e.getOriginalMessage());
        }
        JsonNode user = config.path("User");
        Map<String, String> labels = new TreeMap<>();
        config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        return new ImageConfig(strings(config.path("Env")), user.isString() ? user.asString() : "",
                strings(config.path("Entrypoint")), strings(config.path("Cmd")), Map.copyOf(labels));
    }

    /** {@code labels.json}: the image's labels as one JSON object, sorted by name. */
    public String labelsJson() {
        return JSON.writeValueAsString(new TreeMap<>(labels)) + "\n";
    }

    /** {@code metadata.json}: {@code {"cmd": [...], "entrypoint": [...], "env": [...], "user": "..."}}. */
    public String metadataJson() {
        var node = JSON.createObjectNode();
        node.putPOJO("cmd", cmd.isEmpty() ? null : cmd);
        node.putPOJO("entrypoint", entrypoint.isEmpty() ? null : entrypoint);
        node.putPOJO("env", env);
        node.put("user", user);
        return JSON.writeValueAsString(node) + "\n";
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode element : node) {
                values.add(element.asString());
            }
        }
        return List.copyOf(values);
    }
}
