package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.config.BuildLogRetention;
import dev.concourse.config.JobConfig;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Build log retention, as Concourse's build log collector ({@code atc/gc/build_log_collector.go}):
 * the events of a job's old builds are deleted, the builds stay. {@code build_log_retention}
 * ({@code builds}, {@code days}, {@code minimum_succeeded_builds}) or else the older
 * {@code build_logs_to_retain} says what to keep; the engine has no default or maximum, so a job
 * without either keeps every log. Builds are considered newest first: running ones are kept;
 * with {@code builds}, up to {@code minimum_succeeded_builds} succeeded builds are kept first, then
 * any build while fewer than {@code builds} are kept; with {@code days}, builds that ended in the
 * last {@code days} days are kept too; the rest lose their events, and if more than
 * {@code builds} were kept the oldest of them go as well. A build whose log is already empty was
 * reaped before and counts no more. Not thread-safe: called from the scheduler's passes.
 */
final class BuildLogReaper {
    private final Storage storage;
    private final EngineClock clock;

    BuildLogReaper(Storage storage, EngineClock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** The retention the job asks for; zeros mean keep everything. */
    static BuildLogRetention retention(JobConfig config) {
        BuildLogRetention configured = config.buildLogRetention();
        if (configured != null) {
            int min = configured.minimumSucceededBuilds() <= configured.builds() ? configured.minimumSucceededBuilds() : 0;
            return new BuildLogRetention(configured.builds(), min, configured.days());
        }
        return new BuildLogRetention(config.buildLogsToRetain(), 0, 0);
    }

    /**
     * Deletes the events of the job's builds that the retention does not keep.
     *
     * @return the ids of the builds whose events were deleted
     */
    List<Long> reap(Job job) {
        BuildLogRetention retention = retention(job.config());
        if (retention.builds() <= 0 && retention.days() <= 0) {
            return List.of();
        }
        Instant now = clock.now();
        List<Long> delete = new ArrayList<>();
        List<Long> candidates = new ArrayList<>();
        int retained = 0;
        int retainedSucceeded = 0;
        for (Build build : storage.builds().listForJob(job.id(), Integer.MAX_VALUE)) {
            if (build.status().isRunning()) {
                continue;
            }
            if (storage.events().lastSequence(build.id()) == 0) {
                continue; // reaped before
            }
            if (retention.builds() > 0) {
                if (retention.minimumSucceededBuilds() > 0 && build.status() == BuildStatus.SUCCEEDED
                        && retainedSucceeded < retention.minimumSucceededBuilds()) {
                    retained++;
                    retainedSucceeded++;
                    continue;
                }
                if (retained < retention.builds()) {
                    retained++;
                    candidates.add(build.id());
                    continue;
                }
            }
            if (retention.days() > 0 && build.endTime() != null
                    && !build.endTime().plus(Duration.ofDays(retention.days())).isBefore(now)) {
                retained++;
                candidates.add(build.id());
                continue;
            }
            delete.add(build.id());
        }
        if (delete.isEmpty()) {
            return List.of();
        }
        if (retention.builds() > 0 && retained > retention.builds()) {
            int excess = Math.min(retained - retention.builds(), candidates.size());
            delete.addAll(candidates.subList(candidates.size() - excess, candidates.size()));
        }
        delete.forEach(id -> storage.events().deleteEvents(id));
        return List.copyOf(delete);
    }
}
