package dev.concourse.testkit.conformance;

import dev.concourse.resourcetype.LocalImageResource;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalImageResource} against the resource type kit, on an image directory made once per
 * test (remaking it would change its digest, and so its version). It cannot put.
 */
class LocalImageResourceConformanceTest extends ResourceTypeConformanceTests {
    @TempDir
    Path images;

    private Path rootfs;

    @BeforeEach
    void makeImage() throws IOException {
        rootfs = Files.createDirectories(images.resolve("my-type/rootfs"));
        Path resource = Files.createDirectories(rootfs.resolve("opt/resource"));
        for (String script : new String[] {"check", "in", "out"}) {
            Files.writeString(resource.resolve(script), "#!/bin/sh\necho '[]'\n");
        }
        Files.writeString(images.resolve("my-type/metadata.json"), "{\"env\": [\"A=b\"], \"user\": \"\"}");
    }

    @Override
    protected ResourceType createType() {
        return new LocalImageResource();
    }

    @Override
    protected Map<String, Object> sourceWithVersions() {
        return Map.of("path", rootfs.toString());
    }
}
