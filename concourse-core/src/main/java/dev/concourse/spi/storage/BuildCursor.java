package dev.concourse.spi.storage;

import java.util.Comparator;

/**
 * A job build's place in the order the scheduler reads a job's builds in, newest first:
 * {@code COALESCE(rerun_of, id) DESC, id DESC}, as in Concourse. A rerun sorts with its original
 * (by the original's id), after the original's later reruns and before the original itself, so a
 * rerun of an old build does not count as the job's newest build.
 *
 * @param id      the build's id
 * @param jobId   its job's id
 * @param rerunOf the id of the build it reruns, or 0
 */
public record BuildCursor(long id, long jobId, long rerunOf) {

    /** Newest first: {@link #orderKey()} descending, then id descending. */
    public static final Comparator<BuildCursor> NEWEST_FIRST = Comparator
            .comparingLong(BuildCursor::orderKey).reversed()
            .thenComparing(Comparator.comparingLong(BuildCursor::id).reversed());

    /** {@code COALESCE(rerun_of, id)}: the original's id for a rerun, else its own. */
    public long orderKey() {
        return rerunOf == 0 ? id : rerunOf;
    }

    /** Whether this build comes before {@code other} in newest-first order. */
    public boolean isNewerThan(BuildCursor other) {
        return NEWEST_FIRST.compare(this, other) < 0;
    }
}
