package dev.concourse.internal.resourcetype.registry;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A manifest of a repository: one image, or an index (manifest list) of images for several platforms. */
public sealed interface Manifest {
    String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    /** The {@code Accept} header of manifest requests: every kind this reads. */
    String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);

    /** One image: its configuration blob and its layers, bottom first. */
    record Image(Descriptor config, List<Descriptor> layers) implements Manifest {
    }

    /** Images for several platforms. */
    record Index(List<Descriptor> manifests) implements Manifest {
    }

    /**
     * Reads a manifest.
     *
     * @param contentType the response's {@code Content-Type}, used when the manifest has no {@code mediaType}
     * @throws IllegalArgumentException saying why it cannot be used
     */
    static Manifest parse(byte[] body, String contentType) {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the manifest is not JSON: " + e.getOriginalMessage());
        }
        String mediaType = text(root, "mediaType");
        if (mediaType.isEmpty()) {
            mediaType = contentType == null ? "" : contentType.replaceFirst(";.*", "").trim();
        }
        if (root.path("schemaVersion").asInt(0) == 1 || mediaType.startsWith("application/vnd.docker.distribution.manifest.v1")) {
            throw new IllegalArgumentException("it is a Docker schema 1 manifest, which is not supported; push the"
                    + " image again with a current Docker or registry client (schema 2 or OCI)");
        }
        if (root.path("manifests").isArray()) {
            List<Descriptor> manifests = new ArrayList<>();
            for (JsonNode entry : root.path("manifests")) {
                manifests.add(descriptor(entry));
            }
            return new Index(List.copyOf(manifests));
        }
        if (root.path("layers").isArray() && root.path("config").isObject()) {
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode layer : root.path("layers")) {
                layers.add(descriptor(layer));
            }
            return new Image(descriptor(root.path("config")), List.copyOf(layers));
        }
        throw new IllegalArgumentException("it is neither an image manifest nor an index (media type '" + mediaType
                + "')");
    }

    private static Descriptor descriptor(JsonNode node) {
        String digest = text(node, "digest");
        if (digest.isEmpty()) {
            throw new IllegalArgumentException("an entry has no digest");
        }
        JsonNode platform = node.path("platform");
        return new Descriptor(text(node, "mediaType"), digest, node.path("size").asLong(-1),
                platform.isObject() ? new Platform(text(platform, "os"), text(platform, "architecture"),
                        text(platform, "variant")) : null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.asString() : "";
    }
}
