package dev.concourse.testkit.conformance;

import dev.concourse.resourcetype.MockResource;
import dev.concourse.spi.resource.ResourceType;
import java.util.Map;

/** {@link MockResource} against the resource type kit, with files to get, a log line and puts. */
class MockResourceConformanceTest extends ResourceTypeConformanceTests {

    @Override
    protected ResourceType createType() {
        return new MockResource();
    }

    @Override
    protected Map<String, Object> sourceWithVersions() {
        return Map.of(
                "initial_version", "v1",
                "create_files", Map.of("app/artifact.txt", "content"),
                "log", "mock resource at work");
    }

    @Override
    protected Map<String, Object> putParams() {
        return Map.of("version", "v2");
    }

    @Override
    protected String expectedCheckLogText() {
        return "mock resource at work";
    }
}
