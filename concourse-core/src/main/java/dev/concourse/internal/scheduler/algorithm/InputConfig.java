package dev.concourse.internal.scheduler.algorithm;

import java.util.Map;
import java.util.Set;

/**
 * One input of the job being scheduled, as the algorithm sees it.
 *
 * @param name         the input's name
 * @param resourceId   its resource
 * @param passedJobIds the jobs the version must have passed ({@code passed:}), empty for none
 * @param every        {@code version: every}
 * @param pinned       the pinned fields (a partial match), or null when not pinned
 * @param trigger      {@code trigger: true}
 * @param jobId        the job being scheduled
 */
public record InputConfig(String name, long resourceId, Set<Long> passedJobIds, boolean every,
        Map<String, String> pinned, boolean trigger, long jobId) {

    public InputConfig {
        passedJobIds = passedJobIds == null ? Set.of() : Set.copyOf(passedJobIds);
        pinned = pinned == null ? null : Map.copyOf(pinned);
    }
}
