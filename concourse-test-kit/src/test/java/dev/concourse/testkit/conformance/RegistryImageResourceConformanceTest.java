package dev.concourse.testkit.conformance;

import dev.concourse.resourcetype.RegistryImageResource;
import dev.concourse.resourcetype.TestImages;
import dev.concourse.resourcetype.TestRegistry;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link RegistryImageResource} against the resource type kit, on a busybox image (two layers, an
 * index of two platforms) in a registry on the loopback interface; its puts push an image archive.
 */
class RegistryImageResourceConformanceTest extends ResourceTypeConformanceTests {
    private TestRegistry registry;

    @BeforeEach
    void startRegistry() {
        registry = new TestRegistry();
        TestImages.pushBusybox(registry, "busybox", "latest", "busybox bytes\n".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Override
    protected ResourceType createType() {
        return new RegistryImageResource();
    }

    @Override
    protected Map<String, Object> sourceWithVersions() {
        return Map.of("repository", registry.host() + "/busybox");
    }

    @Override
    protected Map<String, Object> putParams() {
        return Map.of("image", "image/image.tar");
    }

    @Override
    protected void preparePutInputs(Path directory) throws IOException {
        TestImages.writeArchive(directory.resolve("image/image.tar"), "pushed by the kit");
    }
}
