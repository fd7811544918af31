package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.spi.storage.Storage;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Concourse's {@code isMaxInFlightReached}: started builds across the job's serial groups (or the
 * job alone) must stay below the limit, and within serial groups a build must be the oldest
 * pending one of the group's unpaused jobs. Says which builds hold a build back.
 */
final class MaxInFlight {
    /** Pending builds oldest first; a rerun sorts at its original's position. */
    static final Comparator<Build> OLDEST_FIRST = Comparator
            .comparingLong((Build b) -> b.rerunOf() != 0 ? b.rerunOf() : b.id())
            .thenComparingLong(Build::id);

    private MaxInFlight() {
    }

    /**
     * The builds that keep {@code build} (a pending build of {@code job}, or null for the job's
     * next build) from starting: the started builds of the job or its serial groups when they
     * reach the limit, or else, in serial groups, the older pending build that goes first. Empty
     * when nothing holds it back.
     */
    static List<Build> holders(Storage storage, Job job, List<Job> jobs, Build build) {
        int max = job.config().effectiveMaxInFlight();
        if (max <= 0) {
            return List.of();
        }
        List<String> groups = job.config().serialGroups();
        List<Job> group = groups.isEmpty() ? List.of(job)
                : jobs.stream().filter(j -> !Collections.disjoint(j.config().serialGroups(), groups)).toList();
        Set<JobRef> refs = group.stream().map(Job::ref).collect(Collectors.toSet());
        List<Build> running = of(storage, refs, BuildStatus.STARTED);
        if (running.size() >= max) {
            return running;
        }
        if (groups.isEmpty()) {
            return List.of();
        }
        Set<JobRef> unpaused = group.stream().filter(j -> !j.paused()).map(Job::ref).collect(Collectors.toSet());
        List<Build> pending = of(storage, unpaused, BuildStatus.PENDING);
        if (pending.isEmpty() || build != null && pending.getFirst().id() == build.id()) {
            return List.of();
        }
        return build == null ? List.of() : List.of(pending.getFirst());
    }

    /** The builds of these jobs with the status, oldest first. */
    static List<Build> of(Storage storage, Set<JobRef> jobs, BuildStatus status) {
        return storage.builds().listByStatus(EnumSet.of(status)).stream()
                .filter(b -> b.jobRef().map(jobs::contains).orElse(false))
                .sorted(OLDEST_FIRST)
                .toList();
    }
}
