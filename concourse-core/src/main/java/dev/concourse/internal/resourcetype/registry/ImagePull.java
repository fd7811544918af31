package dev.concourse.internal.resourcetype.registry;

import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes an image's root file system: resolves an index to the platform's image, fetches the
 * configuration and each layer (checked against its digest before it is applied) and applies
 * the layers in order, whiteouts included, with their owners when running as root.
 */
public final class ImagePull {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RegistryClient client;
    private final ImageName name;
    private final Consumer<String> log;
    private final BooleanSupplier cancelled;

    public ImagePull(RegistryClient client, ImageName name, Consumer<String> log, BooleanSupplier cancelled) {
        this.client = client;
        this.name = name;
        this.log = log;
        this.cancelled = cancelled;
    }

    /** The image manifest of {@code digest} for {@code platform}: itself, or its index's entry for the platform. */
    public Manifest.Image image(String digest, Platform platform) {
        Manifest manifest = client.manifest(digest).orElseThrow(() -> new RegistryException(name + " has no"
                + " manifest " + digest + " (deleted from the registry?)")).manifest();
        if (manifest instanceof Manifest.Index index) {
            Descriptor chosen = index.manifests().stream()
                    .filter(d -> d.platform() != null && platform.accepts(d.platform()))
                    .findFirst()
                    .orElseThrow(() -> new RegistryException(name + "@" + digest + " has no image for the platform "
                            + platform + "; it has " + index.manifests().stream()
                                    .map(d -> d.platform() == null ? "?" : d.platform().toString()).toList()
                            + " (set source.platform or params.platform)"));
            manifest = client.manifest(chosen.digest()).orElseThrow(() -> new RegistryException(name + " has no"
                    + " manifest " + chosen.digest() + ", the " + platform + " image of " + digest)).manifest();
            if (!(manifest instanceof Manifest.Image)) {
                throw new RegistryException("the " + platform + " entry of " + name + "@" + digest
                        + " is an index again, not an image");
            }
        }
        return (Manifest.Image) manifest;
    }

    /** The image's configuration blob, checked against its digest. */
    public byte[] configBlob(Manifest.Image image) {
        return client.smallBlob(image.config());
    }

    /** What {@code metadata.json} and {@code labels.json} hold of a {@linkplain #configBlob configuration}. */
    public ImageConfig config(Manifest.Image image, byte[] blob) {
        try {
            return ImageConfig.parse(blob);
        } catch (IllegalArgumentException e) {
            throw new RegistryException("cannot read the configuration " + image.config().digest() + " of " + name
                    + ": " + e.getMessage());
        }
    }

    /**
     * Writes the image as {@code docker save} does, to {@code imageTar}: {@code manifest.json}
     * naming it {@code repoTag}, the configuration as {@code sha256:<hex>} and the layers as
     * fetched ({@code <hex>.tar.gz}), each checked against its digest first; {@code scratch} is a
     * directory for the blobs while the archive is written, removed afterwards.
     */
    public void saveArchive(Manifest.Image image, byte[] config, String repoTag, Path imageTar, Path scratch)
            throws IOException {
        Files.createDirectories(scratch);
        try {
            Map<String, Path> files = new LinkedHashMap<>();
            String configName = image.config().digest();
            files.put(configName, Files.write(scratch.resolve("config"), config));
            List<String> layerNames = new ArrayList<>();
            List<Descriptor> all = image.layers();
            for (int i = 0; i < all.size(); i++) {
                Descriptor layer = all.get(i);
                log.accept("layer " + (i + 1) + "/" + all.size() + " " + layer.digest());
                String layerName = layer.digest().substring("sha256:".length()) + ".tar.gz";
                Path file = scratch.resolve(layerName);
                client.blob(layer, file, cancelled);
                files.put(layerName, file);
                layerNames.add(layerName);
            }
            var manifest = JSON.createArrayNode().addObject();
            manifest.put("Config", configName);
            manifest.putArray("RepoTags").add(repoTag);
            layerNames.forEach(manifest.putArray("Layers")::add);
            files.put("manifest.json", Files.writeString(scratch.resolve("manifest.json"),
                    JSON.writeValueAsString(List.of(manifest))));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(imageTar), 256 * 1024)) {
                Tar.writeFiles(files, out);
            }
        } finally {
            ImagePush.deleteTree(scratch);
        }
    }

    /** Fetches and applies the image's layers into {@code rootfs}; {@code scratch} holds one layer at a time. */
    public void unpack(Manifest.Image image, Path rootfs, Path scratch) throws IOException {
        Files.createDirectories(rootfs);
        boolean root = ((Integer) Files.getAttribute(rootfs, "unix:uid")) == 0;
        Tar.ImageLayers layers = Tar.imageLayers(rootfs, root);
        List<Descriptor> all = image.layers();
        for (int i = 0; i < all.size(); i++) {
            Descriptor layer = all.get(i);
            Compression compression = Compression.of(layer, name);
            log.accept("layer " + (i + 1) + "/" + all.size() + " " + layer.digest()
                    + (layer.size() >= 0 ? " (" + layer.size() + " bytes)" : ""));
            try {
                client.blob(layer, scratch, cancelled);
                try (InputStream file = new BufferedInputStream(Files.newInputStream(scratch), 256 * 1024);
                        InputStream tar = compression.open(file)) {
                    layers.apply(tar);
                } catch (RuntimeOperationException | IOException e) {
                    throw new RegistryException("cannot apply the layer " + layer.digest() + " of " + name + ": "
                            + e.getMessage(), e);
                }
            } finally {
                Files.deleteIfExists(scratch);
            }
        }
        layers.finish();
    }

    private enum Compression {
        GZIP, NONE;

        static Compression of(Descriptor layer, ImageName name) {
            String type = layer.mediaType();
            if (type.endsWith("zstd")) {
                throw new RegistryException("the layer " + layer.digest() + " of " + name + " is compressed with"
                        + " zstd (" + type + "), which is not supported; use an image with gzip layers");
            }
            if (type.endsWith("gzip") || type.endsWith(".tar") || type.endsWith("tar") || type.isEmpty()) {
                return type.endsWith("gzip") ? GZIP : NONE;
            }
            throw new RegistryException("the layer " + layer.digest() + " of " + name + " has the media type '"
                    + type + "', which is not a layer this resource can apply (tar, tar+gzip)");
        }

        /** A tar stream; a gzip stream is recognised by its magic number whatever the media type says. */
        InputStream open(InputStream in) throws IOException {
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            return gzip || this == GZIP ? new GZIPInputStream(in, 64 * 1024) : in;
        }
    }
}
