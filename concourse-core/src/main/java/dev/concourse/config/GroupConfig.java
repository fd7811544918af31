package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;

/**
 * A group of jobs shown together in the UI.
 *
 * @param name      the group's name
 * @param jobs      job names or glob patterns ({@code unit-*})
 * @param resources resource names
 */
public record GroupConfig(String name, List<String> jobs, List<String> resources) {
    public GroupConfig {
        jobs = Frozen.list(jobs);
        resources = Frozen.list(resources);
    }
}
