package dev.concourse;

import dev.concourse.config.ResourceConfig;
import dev.concourse.internal.config.Frozen;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A resource as the engine holds it: its config, the version history it uses, its pin and how
 * its last check went. Immutable.
 *
 * @param id             the store's id; resources and resource types share one sequence
 * @param ref            pipeline and name
 * @param config         the resource's config
 * @param scopeId        the version history (scope) the resource reads its versions from, or 0
 *                       while it has none: before its first check, and again after its type or
 *                       source changed (see {@code ResourceVersionStore})
 * @param pinnedVersion  the fields of the version it is pinned to, empty when it is not pinned: the
 *                       config's {@code version:} (which may name only some fields), or else a
 *                       version pinned through the API
 * @param pinnedInConfig whether the pin is the config's {@code version:}, which only setting the
 *                       pipeline can change
 * @param pinComment     the pin's comment, empty when there is none
 * @param lastChecked    when its last check finished, or null before the first
 * @param checkError     why its last check failed, or null when it succeeded or never ran
 */
public record Resource(long id, ResourceRef ref, ResourceConfig config, long scopeId,
        Map<String, String> pinnedVersion, boolean pinnedInConfig, String pinComment, Instant lastChecked,
        String checkError) {

    public Resource {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(config, "config");
        pinnedVersion = Frozen.strings(pinnedVersion);
        pinComment = pinComment == null ? "" : pinComment;
    }

    /** Whether it is pinned, through its config or the API. */
    public boolean isPinned() {
        return !pinnedVersion.isEmpty();
    }
}
