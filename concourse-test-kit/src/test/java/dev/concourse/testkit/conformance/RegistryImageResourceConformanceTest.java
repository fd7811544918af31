package dev.concourse.testkit.conformance;

import dev.concourse.resourcetype.RegistryImageResource;
import dev.concourse.resourcetype.TestImages;
import dev.concourse.resourcetype.TestRegistry;
import dev.concourse.spi.resource.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link RegistryImageResource} against the resource type kit, on a busybox image (two layers, an
 * index of two platforms) in a registry on the loopback interface. It cannot put.
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
}
