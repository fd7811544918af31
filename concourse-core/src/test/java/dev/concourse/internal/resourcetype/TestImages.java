package dev.concourse.internal.resourcetype;

import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Resource type images for tests, made from the scripts in {@code src/test/resources/resource-types/<name>/}. */
final class TestImages {
    private TestImages() {
    }

    /**
     * Writes a root file system with {@code opt/resource/check}, {@code in} and {@code out} of the
     * test type {@code name} into {@code rootfs} (created if missing), executable.
     */
    static Path rootfs(String name, Path rootfs) {
        Path scripts = rootfs.resolve("opt/resource");
        try {
            Files.createDirectories(scripts);
            for (String script : List.of("check", "in", "out")) {
                String resource = "/resource-types/" + name + "/" + script;
                try (InputStream in = TestImages.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalArgumentException("no test resource " + resource);
                    }
                    Path target = scripts.resolve(script);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    if (!target.toFile().setExecutable(true)) {
                        throw new IOException("cannot make " + target + " executable");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rootfs;
    }

    /** An image volume on {@code worker}, as an image resource's get makes it: {@code rootfs/} and {@code metadata.json}. */
    static Volume volume(Worker worker, String name) {
        Volume volume = worker.createVolume(VolumeSpec.empty());
        Path root = Path.of(volume.path());
        rootfs(name, root.resolve("rootfs"));
        try {
            Files.writeString(root.resolve("metadata.json"), "{\"env\": [], \"user\": \"\"}", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return volume;
    }
}
