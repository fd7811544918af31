package dev.concourse.internal.resourcetype.registry;

import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pushes an image archive as {@code docker save} (and {@code oci-build-task}, and a get with
 * {@code format: oci}) write it: {@code manifest.json} naming the configuration and the layers.
 * Blobs the repository has already are not sent again; uncompressed layers are gzipped first.
 * The manifest pushed is a Docker schema 2 manifest.
 */
public final class ImagePush {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONFIG_TYPE = "application/vnd.docker.container.image.v1+json";
    private static final String LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    private final RegistryClient client;
    private final ImageName name;
    private final Consumer<String> log;
    private final BooleanSupplier cancelled;

    public ImagePush(RegistryClient client, ImageName name, Consumer<String> log, BooleanSupplier cancelled) {
        this.client = client;
        this.name = name;
        this.log = log;
        this.cancelled = cancelled;
    }

    /**
     * Pushes the archive {@code imageTar} under every tag of {@code tags}; {@code scratch} (made
     * and removed here) holds it unpacked meanwhile.
     *
     * @return the digest of the manifest pushed
     */
    public String push(Path imageTar, List<String> tags, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        try {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(imageTar))) {
                Tar.extract(in, scratch);
            } catch (RuntimeOperationException e) {
                throw new RegistryException("cannot read the image archive " + imageTar + ": " + e.getMessage(), e);
            }
            JsonNode entries;
            try {
                entries = JSON.readTree(scratch.resolve("manifest.json").toFile());
            } catch (JacksonException e) {
                throw new RegistryException(imageTar + " is not an image archive (docker save): its manifest.json"
                        + " is missing or not JSON");
            }
            if (!entries.isArray() || entries.size() != 1) {
                throw new RegistryException(imageTar + " must hold exactly one image (its manifest.json lists "
                        + entries.size() + ")");
            }
            JsonNode entry = entries.get(0);
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", Manifest.DOCKER_MANIFEST);
            manifest.set("config", blob(member(scratch, imageTar, entry.path("Config").asString()), CONFIG_TYPE,
                    scratch));
            var layers = manifest.putArray("layers");
            for (JsonNode layer : entry.path("Layers")) {
                layers.add(blob(member(scratch, imageTar, layer.asString()), LAYER_TYPE, scratch));
            }
            byte[] body = JSON.writeValueAsBytes(manifest);
            String digest = null;
            for (String tag : tags) {
                log.accept("pushing " + name + ":" + tag);
                digest = client.putManifest(tag, Manifest.DOCKER_MANIFEST, body);
            }
            return digest;
        } finally {
            deleteTree(scratch);
        }
    }

    private static Path member(Path scratch, Path imageTar, String file) {
        Path path = scratch.resolve(file).normalize();
        if (file.isEmpty() || !path.startsWith(scratch) || !Files.isRegularFile(path)) {
            throw new RegistryException("the manifest.json of " + imageTar + " names '" + file + "', which is not a"
                    + " file of the archive");
        }
        return path;
    }

    /** Uploads one blob (gzipping an uncompressed layer first) unless the repository has it; returns its descriptor. */
    private ObjectNode blob(Path file, String mediaType, Path scratch) throws IOException {
        if (cancelled.getAsBoolean()) {
            throw new RegistryException("the push to " + name + " was aborted");
        }
        Path content = file;
        if (mediaType.equals(LAYER_TYPE) && !isGzip(file)) {
            content = scratch.resolve(file.getFileName() + ".pushed.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(content), 64 * 1024)) {
                Files.copy(file, out);
            }
        }
        String digest = digest(content);
        long size = Files.size(content);
        if (client.hasBlob(digest)) {
            log.accept("blob " + digest + " is there already");
        } else {
            log.accept("uploading " + digest + " (" + size + " bytes)");
            client.uploadBlob(digest, content);
        }
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", mediaType);
        descriptor.put("size", size);
        descriptor.put("digest", digest);
        return descriptor;
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static String digest(Path file) throws IOException {
        MessageDigest sha256 = RegistryClient.sha256();
        try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            Files.copy(file, out);
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    /** Deletes a scratch directory and everything in it (plain files and directories only). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
