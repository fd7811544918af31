package dev.concourse.internal.scheduler.algorithm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A version chosen for an input, with the upstream jobs that vouched for it and the builds they
 * did it with. Immutable: vouching makes a new candidate so that backtracking can restore the old.
 */
record Candidate(long versionId, Set<Long> vouchedBy, List<Long> sourceBuildIds, boolean hasNextEvery) {

    static Candidate of(long versionId, boolean hasNextEvery) {
        return new Candidate(versionId, Set.of(), List.of(), hasNextEvery);
    }

    /** {@code old} (may be null) moved to {@code versionId}, vouched for by one more job. */
    static Candidate vouch(Candidate old, long versionId, long jobId, long buildId, boolean hasNext) {
        Set<Long> vouchers = new HashSet<>();
        List<Long> builds = new ArrayList<>();
        boolean next = hasNext;
        if (old != null) {
            vouchers.addAll(old.vouchedBy);
            builds.addAll(old.sourceBuildIds);
            next |= old.hasNextEvery;
        }
        vouchers.add(jobId);
        builds.add(buildId);
        return new Candidate(versionId, Set.copyOf(vouchers), List.copyOf(builds), next);
    }

    boolean isVouchedBy(long jobId) {
        return vouchedBy.contains(jobId);
    }
}
