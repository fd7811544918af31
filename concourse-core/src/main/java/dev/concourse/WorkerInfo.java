package dev.concourse;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * What the engine knows of a worker when placing steps.
 *
 * @param name          unique among the runtime's workers
 * @param platform      {@code linux}, {@code darwin}, {@code windows}...
 * @param tags          worker tags: a step with tags runs only on workers that have all of them; untagged steps never run on tagged workers
 * @param team          the team the worker is dedicated to, or null for all teams
 * @param resourceTypes base resource types the worker provides
 * @param isolated      whether containers isolate processes from the host (false for local processes)
 */
public record WorkerInfo(String name, String platform, List<String> tags, String team, List<String> resourceTypes,
        boolean isolated) {
    public WorkerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(platform, "platform");
        tags = Frozen.list(tags);
        resourceTypes = Frozen.list(resourceTypes);
    }
}
