package dev.concourse.resourcetype;

import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.internal.runtime.tar.TestLayer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A busybox image pushed to a {@link TestRegistry}, as the tests of {@code registry-image} use it:
 * two layers (the second whites out a file of the first and makes a directory opaque) and an
 * index with two platforms, this JVM's and another one whose configuration says so.
 */
public final class TestImages {
    /** Applets linked to {@code /bin/busybox} in the image. */
    public static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "id", "test", "[", "grep", "env",
            "stat", "readlink", "true", "false", "sleep", "printf", "wc", "pwd", "mkdir", "touch", "rm", "ln");

    /**
     * What was pushed.
     *
     * @param index         the digest the tag points to (the index)
     * @param image         the digest of this platform's image manifest
     * @param layers        the digests of its two layers, bottom first
     * @param otherPlatform the index's other platform ({@code linux/s390x}, or {@code linux/amd64} on s390x)
     */
    public record Pushed(String index, String image, List<String> layers, String otherPlatform) {
    }

    private TestImages() {
    }

    /** The first layer: busybox and its applets, {@code /etc}, a file owned by 1000:1000, {@code /var/old/stale}. */
    public static TestLayer baseLayer(byte[] busybox) {
        TestLayer layer = new TestLayer().directory("bin", 0755).file("bin/busybox", 0755, 0, 0, busybox)
                .hardLink("bin/busybox-hardlink", "bin/busybox");
        for (String applet : APPLETS) {
            layer.symlink("bin/" + applet, "busybox");
        }
        return layer.hardLink("bin/sh-hardlink", "bin/sh").directory("etc", 0755)
                .file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n")
                .file("etc/group", 0644, "root:x:0:\nuser:x:1000:\n")
                .file("etc/removed-later", 0644, "layer 1\n")
                .directory("tmp", 01777).directory("root", 0700).directory("home", 0755).directory("home/user", 0755)
                .file("home/user/owned", 0640, 1000, 1000, "mine\n".getBytes(StandardCharsets.UTF_8))
                .directory("var", 0755).directory("var/old", 0755).file("var/old/stale", 0644, "layer 1\n")
                .directory("proc", 0555).directory("sys", 0555).directory("dev", 0755);
    }

    /** The second layer: whiteouts of {@code /etc/removed-later} and {@code /var/old}'s old content, {@code /etc/motd}. */
    public static TestLayer topLayer() {
        return new TestLayer().directory("etc", 0755).whiteout("etc/", "removed-later")
                .file("etc/motd", 0644, "layer 2\n")
                .directory("var/old", 0755).opaque("var/old/").file("var/old/fresh", 0644, "layer 2\n");
    }

    /** Pushes the image as {@code repository:tag} and returns what was pushed. */
    public static Pushed pushBusybox(TestRegistry registry, String repository, String tag, byte[] busybox) {
        List<String> layerDescriptors = List.of(
                registry.blob(TestRegistry.GZIP_LAYER, baseLayer(busybox).gzip()),
                registry.blob("application/vnd.docker.image.rootfs.diff.tar.gzip", topLayer().gzip()));
        String arch = jvmArchitecture();
        String other = arch.equals("s390x") ? "amd64" : "s390x";
        Map<String, String> byPlatform = new LinkedHashMap<>();
        byPlatform.put("linux/" + other, registry.image(repository, null, TestRegistry.OCI_MANIFEST,
                registry.blob("application/vnd.oci.image.config.v1+json", config(other,
                        "GREETING=wrong platform")), layerDescriptors));
        String image = registry.image(repository, null, TestRegistry.OCI_MANIFEST,
                registry.blob("application/vnd.oci.image.config.v1+json", config(arch,
                        "GREETING=hello from the registry")), layerDescriptors);
        byPlatform.put("linux/" + arch, image);
        String index = registry.index(repository, tag, byPlatform);
        List<String> layers = new ArrayList<>();
        for (String descriptor : layerDescriptors) {
            layers.add(descriptor.replaceFirst(".*\"digest\":\"([^\"]+)\".*", "$1"));
        }
        return new Pushed(index, image, List.copyOf(layers), "linux/" + other);
    }

    /**
     * Writes an image archive as {@code docker save} does, of one uncompressed layer holding
     * {@code hello} (with {@code greeting}) and a configuration with {@code PUSHED=yes}.
     */
    public static void writeArchive(Path archive, String greeting) throws IOException {
        Path files = Files.createTempDirectory("test-archive");
        try {
            Files.write(files.resolve("layer.tar"), new TestLayer().file("hello", 0644, greeting + "\n").tar());
            Files.writeString(files.resolve("config.json"),
                    "{\"config\":{\"Env\":[\"PUSHED=yes\"]},\"rootfs\":{\"type\":\"layers\"}}");
            Files.writeString(files.resolve("manifest.json"),
                    "[{\"Config\":\"config.json\",\"RepoTags\":[\"app:dev\"],\"Layers\":[\"layer.tar\"]}]");
            Map<String, Path> members = new LinkedHashMap<>();
            for (String name : List.of("manifest.json", "config.json", "layer.tar")) {
                members.put(name, files.resolve(name));
            }
            Files.createDirectories(archive.getParent());
            try (OutputStream out = Files.newOutputStream(archive)) {
                Tar.writeFiles(members, out);
            }
        } finally {
            for (String name : List.of("manifest.json", "config.json", "layer.tar")) {
                Files.deleteIfExists(files.resolve(name));
            }
            Files.delete(files);
        }
    }

    private static byte[] config(String arch, String greeting) {
        return ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/usr/local/sbin:"
                + "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"" + greeting + "\"],\"User\":\"\",\"Cmd\":[\"sh\"],"
                + "\"Labels\":{\"org.opencontainers.image.title\":\"busybox\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
    }

    private static String jvmArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }
}
