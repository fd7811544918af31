package dev.concourse.internal.scheduler.algorithm;

import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.VersionHistory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A passed job's successful builds in the order the group search tries them, read a page at a
 * time (Concourse's {@code PaginatedBuilds}). Either all of them newest first, or for {@code every}
 * the "unused" order: the builds newer than the one last used, oldest first, then that build and
 * the older ones, newest first.
 */
final class BuildPages {

    private static final int PAGE_SIZE = 100;

    private final VersionHistory history;
    private final long jobId;
    private final Map<Long, Set<Long>> containing;
    private final BuildCursor lastUsed;

    private List<BuildCursor> page;
    private int offset;
    private boolean unused;
    private boolean olderStarted;
    private boolean exhausted;

    private BuildPages(VersionHistory history, long jobId, Map<Long, Set<Long>> containing, BuildCursor lastUsed) {
        this.history = history;
        this.jobId = jobId;
        this.containing = containing;
        this.lastUsed = lastUsed;
    }

    static BuildPages newestFirst(VersionHistory history, long jobId, Map<Long, Set<Long>> containing) {
        BuildPages pages = new BuildPages(history, jobId, containing, null);
        pages.page = List.of();
        return pages;
    }

    static BuildPages unused(VersionHistory history, long jobId, Map<Long, Set<Long>> containing,
            BuildCursor lastUsed) {
        BuildPages pages = new BuildPages(history, jobId, containing, lastUsed);
        // As in Concourse, reruns of the build last used are neither newer nor older than it
        // (unless that build was itself a rerun): they are skipped.
        pages.page = history.successfulBuildsNewerThan(jobId, containing, lastUsed).stream()
                .filter(b -> lastUsed.rerunOf() != 0 || b.rerunOf() != lastUsed.id())
                .toList();
        pages.unused = true;
        return pages;
    }

    /** The next build, or null when there are no more. */
    BuildCursor next() {
        if (offset >= page.size()) {
            List<BuildCursor> older = olderPage();
            if (older.isEmpty()) {
                return null;
            }
            page = older;
            offset = 0;
            unused = false;
        }
        return page.get(offset++);
    }

    /**
     * Whether the build last returned was one the job has not used yet, so more may follow
     * (Concourse reports this while it walks the newer builds, the last one included).
     */
    boolean hasNext() {
        return unused;
    }

    private List<BuildCursor> olderPage() {
        if (exhausted) {
            return List.of();
        }
        List<BuildCursor> older;
        if (!olderStarted && lastUsed != null) {
            older = history.successfulBuildsFrom(jobId, containing, lastUsed, PAGE_SIZE);
        } else {
            older = history.successfulBuilds(jobId, containing, olderStarted ? page.getLast() : null, PAGE_SIZE);
        }
        olderStarted = true;
        exhausted = older.size() < PAGE_SIZE;
        return older;
    }
}
