package dev.concourse.spi.runtime;

import java.util.Map;

/**
 * A volume to create.
 *
 * @param handle     the volume's handle, or null to let the runtime choose one
 * @param parent     a volume of the same worker to copy (copy-on-write where the worker can), or null for an empty one
 * @param privileged whether containers running as the host's root own it (no user-namespace mapping)
 * @param properties key/value pairs stored with it
 */
public record VolumeSpec(String handle, Volume parent, boolean privileged, Map<String, String> properties) {
    public VolumeSpec {
        properties = properties == null ? java.util.Map.of() : java.util.Map.copyOf(properties);
    }

    /** An empty volume. */
    public static VolumeSpec empty() {
        return new VolumeSpec(null, null, false, Map.of());
    }

    /** A copy of {@code parent}. */
    public static VolumeSpec childOf(Volume parent) {
        return new VolumeSpec(null, parent, false, Map.of());
    }
}
