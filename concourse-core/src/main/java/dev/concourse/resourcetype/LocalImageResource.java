package dev.concourse.resourcetype;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The {@code local-image} resource type: a container image made from a directory of this host, so
 * custom resource types and tasks get images without a registry. Its get produces what Concourse's
 * image resources ({@code registry-image}) produce: {@code rootfs/} and {@code metadata.json}.
 *
 * <pre>
 * resource_types:
 * - name: my-type
 *   type: local-image
 *   source: {path: /opt/images/my-type/rootfs}
 * </pre>
 *
 * <h2>source</h2>
 * {@code path}: an absolute path of a directory on the engine's host, the image's root file system
 * (for a resource type it holds {@code opt/resource/check}, {@code in} and {@code out}). The
 * directory is read where the engine runs, so it suits the local runtime and workers that share
 * the engine's file system.
 *
 * <h2>check, get, put</h2>
 * A check finds one version, {@code {path: <path>, digest: sha256:...}}: the digest covers the
 * names, types, sizes and modification times of everything under {@code path} (not the contents,
 * so that checks stay cheap) and of a {@code metadata.json} next to it, so changing the image makes
 * a new version. A get makes {@code rootfs} a symbolic link to {@code path} (a copy where the file
 * system has no links) and writes {@code metadata.json}: a copy of {@code metadata.json} in the
 * directory containing {@code path} if there is one (as {@code /opt/images/my-type/metadata.json}
 * above), else {@code {"env": [], "user": ""}}. A put is an error: there is nothing to push to.
 *
 * <p>Thread-safe.
 */
public final class LocalImageResource implements ResourceType {
    /** The name pipelines use: {@code local-image}. */
    public static final String NAME = "local-image";
    private static final String DEFAULT_METADATA = "{\"env\": [], \"user\": \"\"}\n";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Version> check(ResourceRequest request) {
        Path root = root(request.source());
        return List.of(new Version(Map.of("path", root.toString(), "digest", digest(root))));
    }

    @Override
    public ResourceResult get(ResourceRequest request, Path directory) {
        Path root = root(request.source());
        Version version = request.version() != null
                ? request.version()
                : new Version(Map.of("path", root.toString(), "digest", digest(root)));
        Path rootfs = directory.resolve("rootfs");
        try {
            try {
                Files.createSymbolicLink(rootfs, root);
            } catch (UnsupportedOperationException | FileSystemException e) {
                copyTree(root, rootfs);
            }
            Path metadata = root.getParent() == null ? null : root.getParent().resolve("metadata.json");
            if (metadata != null && Files.isRegularFile(metadata)) {
                Files.copy(metadata, directory.resolve("metadata.json"), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(directory.resolve("metadata.json"), DEFAULT_METADATA, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ResourceException("local-image resource: cannot make the image of " + root + ": " + e, e);
        }
        return ResourceResult.of(version);
    }

    @Override
    public ResourceResult put(ResourceRequest request, Path directory) {
        throw new ResourceException("local-image resource: put is not supported: the image is a directory of the "
                + "host; change the directory instead");
    }

    private static Path root(Map<String, Object> source) {
        Fields fields = Fields.source(NAME, source);
        String path = fields.string("path", null);
        if (path == null) {
            throw fields.invalid("path", "is required: the directory holding the image's root file system");
        }
        Path root = Path.of(path);
        if (!root.isAbsolute()) {
            throw fields.invalid("path", "must be absolute, not '" + path + "'");
        }
        if (!Files.isDirectory(root)) {
            throw fields.invalid("path", "'" + path + "' is not a directory on this host");
        }
        return root.normalize();
    }

    /**
     * A digest of the tree's shape: names, types, sizes, modification times and link targets, in
     * name order. Unreadable directories count as such rather than failing the check (a root file
     * system often has some the engine's user may not read).
     */
    static String digest(Path root) {
        List<String> lines = new ArrayList<>();
        try {
            Path start = root.toRealPath();
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    lines.add(line(start, dir, attrs));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    lines.add(line(start, file, attrs) + (attrs.isSymbolicLink() ? Files.readSymbolicLink(file) : ""));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    lines.add(start.relativize(file) + "\0unreadable");
                    return FileVisitResult.CONTINUE;
                }
            });
            Path metadata = root.getParent() == null ? null : root.getParent().resolve("metadata.json");
            if (metadata != null && Files.isRegularFile(metadata)) {
                lines.add(line(start, metadata, Files.readAttributes(metadata, BasicFileAttributes.class)));
            }
        } catch (IOException e) {
            throw new ResourceException("local-image resource: cannot read " + root + ": " + e, e);
        }
        lines.sort(null);
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (String line : lines) {
            sha256.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    private static String line(Path start, Path path, BasicFileAttributes attributes) {
        String type = attributes.isSymbolicLink() ? "l" : attributes.isDirectory() ? "d" : "f";
        return start.relativize(path) + "\0" + type + "\0" + attributes.size() + "\0"
                + attributes.lastModifiedTime().toMillis() + "\0";
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
