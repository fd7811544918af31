package dev.concourse.testkit.conformance;

import dev.concourse.resourcetype.TimeResource;
import dev.concourse.spi.resource.ResourceType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * {@link TimeResource} against the resource type kit, on a fixed clock: the first check finds the
 * clock's time, a check from it finds it again (the interval has not passed), and a put makes a
 * version for the clock's time.
 */
class TimeResourceConformanceTest extends ResourceTypeConformanceTests {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-03-04T10:15:30Z"));

    @Override
    protected ResourceType createType() {
        return new TimeResource(CLOCK);
    }

    @Override
    protected Map<String, Object> sourceWithVersions() {
        return Map.of("interval", "1h", "location", "Europe/Paris");
    }

    @Override
    protected Map<String, Object> putParams() {
        return Map.of();
    }
}
