package dev.concourse.storage;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineRef;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.storage.Tables.BuildRow;
import dev.concourse.storage.Tables.JobRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

final class InMemoryBuildStore implements BuildStore {
    private final Transactions transactions;
    private final Tables tables;
    private final InMemoryEventStore events;
    private final BuildHistory history;

    InMemoryBuildStore(Transactions transactions, Tables tables, InMemoryEventStore events, BuildHistory history) {
        this.transactions = transactions;
        this.tables = tables;
        this.events = events;
        this.history = history;
    }

    @Override
    public Build createJobBuild(long jobId, boolean manuallyTriggered, long rerunOf, Instant now) {
        Objects.requireNonNull(now, "now");
        return transactions.write(() -> {
            JobRow job = tables.jobs.get(jobId);
            if (job == null || !job.active()) {
                throw new IllegalArgumentException("there is no job with id " + jobId
                        + " in its pipeline's current config to create a build of");
            }
            String name;
            long original = 0;
            if (rerunOf != 0) {
                BuildRow rerun = tables.builds.get(rerunOf);
                if (rerun == null || rerun.jobId() != jobId) {
                    throw new IllegalArgumentException("there is no build with id " + rerunOf + " of job "
                            + jobRef(job) + " to rerun");
                }
                // Rerunning a rerun reruns its original, as Concourse does: 4.1 -> 4.2.
                BuildRow originalRow = rerun.rerunOf() == 0 ? rerun : tables.builds.get(rerun.rerunOf());
                original = originalRow.id();
                long suffix = originalRow.lastRerun() + 1;
                transactions.put(tables.builds, original, originalRow.withLastRerun(suffix));
                name = originalRow.name() + "." + suffix;
            } else {
                long number = job.lastBuildNumber() + 1;
                transactions.put(tables.jobs, jobId, new JobRow(job.id(), job.pipelineId(), job.name(), job.config(),
                        job.paused(), job.active(), number));
                name = Long.toString(number);
            }
            String team = tables.pipelines.get(job.pipelineId()).ref().team();
            long originalId = original;
            BuildRow row = insert(id -> new BuildRow(id, team, job.pipelineId(), jobId, name, BuildStatus.PENDING,
                    now, null, null, manuallyTriggered, originalId, 0, null));
            List<Long> jobBuilds = tables.jobBuilds.get(jobId);
            if (jobBuilds == null) {
                jobBuilds = new ArrayList<>();
                transactions.put(tables.jobBuilds, jobId, jobBuilds);
            }
            transactions.append(jobBuilds, row.id());
            return toBuild(row);
        });
    }

    @Override
    public Build createOneOffBuild(String team, Instant now) {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(now, "now");
        return transactions.write(() -> {
            if (!tables.teams.containsKey(team)) {
                throw new IllegalArgumentException("there is no team '" + team + "' to own a one-off build");
            }
            return toBuild(insert(id -> new BuildRow(id, team, 0, 0, Long.toString(id), BuildStatus.PENDING, now,
                    null, null, false, 0, 0, null)));
        });
    }

    private BuildRow insert(LongFunction<BuildRow> row) {
        BuildRow build = row.apply(tables.buildSeq.incrementAndGet());
        transactions.put(tables.builds, build.id(), build);
        transactions.add(tables.buildsByStatus.get(build.status()), build.id());
        events.createLog(build.id());
        return build;
    }

    @Override
    public Optional<Build> find(long id) {
        return transactions.read(() -> Optional.ofNullable(tables.builds.get(id)).map(this::toBuild));
    }

    @Override
    public List<Build> listForJob(long jobId, int limit) {
        return transactions.read(() -> {
            List<Long> ids = tables.jobBuilds.getOrDefault(jobId, List.of());
            List<Build> newestFirst = new ArrayList<>(Math.max(0, Math.min(limit, ids.size())));
            for (int i = ids.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
                newestFirst.add(toBuild(tables.builds.get(ids.get(i))));
            }
            return List.copyOf(newestFirst);
        });
    }

    @Override
    public List<Build> listByStatus(Set<BuildStatus> statuses) {
        Objects.requireNonNull(statuses, "statuses");
        return transactions.read(() -> {
            TreeSet<Long> ids = new TreeSet<>();
            statuses.forEach(status -> ids.addAll(tables.buildsByStatus.get(status)));
            return ids.stream().map(id -> toBuild(tables.builds.get(id))).toList();
        });
    }

    @Override
    public List<Build> list(int limit) {
        return transactions.read(() -> tables.builds.descendingMap().values().stream()
                .limit(Math.max(0, limit))
                .map(this::toBuild)
                .toList());
    }

    @Override
    public Optional<Build> start(long id, String planJson, Instant now) {
        Objects.requireNonNull(planJson, "planJson");
        Objects.requireNonNull(now, "now");
        return transactions.write(() -> {
            BuildRow row = tables.builds.get(id);
            if (row == null || row.status() != BuildStatus.PENDING) {
                return Optional.empty();
            }
            return Optional.of(toBuild(update(row, row.withStatus(BuildStatus.STARTED, now, null, planJson))));
        });
    }

    @Override
    public Optional<Build> finish(long id, BuildStatus status, Instant now) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(now, "now");
        if (!status.isFinished()) {
            throw new IllegalArgumentException("cannot finish build " + id + " as " + status.wireName()
                    + ": a final status is succeeded, failed, errored or aborted");
        }
        return transactions.write(() -> {
            BuildRow row = tables.builds.get(id);
            if (row == null || row.status().isFinished()) {
                return Optional.empty();
            }
            BuildRow finished = update(row, row.withStatus(status, row.startTime(), now, row.plan()));
            if (status == BuildStatus.SUCCEEDED && finished.jobId() != 0) {
                history.recordSuccess(finished);
            }
            return Optional.of(toBuild(finished));
        });
    }

    private BuildRow update(BuildRow old, BuildRow updated) {
        transactions.put(tables.builds, updated.id(), updated);
        transactions.removeFrom(tables.buildsByStatus.get(old.status()), old.id());
        transactions.add(tables.buildsByStatus.get(updated.status()), updated.id());
        return updated;
    }

    @Override
    public Optional<String> plan(long id) {
        return transactions.read(() -> Optional.ofNullable(tables.builds.get(id)).map(BuildRow::plan));
    }

    @Override
    public void saveInputs(long buildId, List<BuildInput> inputs, Collection<Long> pipedFrom) {
        List<BuildInput> copy = List.copyOf(inputs);
        List<Long> from = List.copyOf(pipedFrom);
        transactions.write(() -> {
            history.saveInputs(requireBuild(buildId), copy, from);
            return null;
        });
    }

    @Override
    public void saveOutputs(long buildId, List<BuildOutput> outputs) {
        List<BuildOutput> copy = List.copyOf(outputs);
        transactions.write(() -> {
            history.saveOutputs(requireBuild(buildId), copy);
            return null;
        });
    }

    private BuildRow requireBuild(long buildId) {
        BuildRow row = tables.builds.get(buildId);
        if (row == null) {
            throw new IllegalArgumentException("there is no build with id " + buildId);
        }
        return row;
    }

    @Override
    public List<BuildInput> inputs(long buildId) {
        return transactions.read(() -> history.inputs.getOrDefault(buildId, List.of()));
    }

    @Override
    public List<BuildOutput> outputs(long buildId) {
        return transactions.read(() -> history.outputs.getOrDefault(buildId, List.of()));
    }

    @Override
    public void saveNextInputs(long jobId, NextBuildInputs next) {
        Objects.requireNonNull(next, "next");
        transactions.write(() -> {
            JobRow job = tables.jobs.get(jobId);
            if (job == null) {
                throw new IllegalArgumentException("there is no job with id " + jobId + " to save next inputs of");
            }
            history.saveNextInputs(job, next);
            return null;
        });
    }

    @Override
    public NextBuildInputs nextInputs(long jobId) {
        return transactions.read(() -> history.nextInputs.getOrDefault(jobId, NextBuildInputs.NONE));
    }

    /** Removes a job's builds with their events, inputs and outputs, for deleting its pipeline. */
    void deleteBuildsOfJob(long jobId) {
        history.removeJob(jobId);
        List<Long> ids = transactions.remove(tables.jobBuilds, jobId);
        if (ids == null) {
            return;
        }
        for (long id : ids) {
            BuildRow row = transactions.remove(tables.builds, id);
            transactions.removeFrom(tables.buildsByStatus.get(row.status()), id);
            history.removeBuild(row);
            events.removeLog(id);
        }
    }

    private Build toBuild(BuildRow row) {
        if (row.jobId() == 0) {
            return new Build(row.id(), row.team(), null, null, row.name(), row.status(), row.createTime(),
                    row.startTime(), row.endTime(), row.manuallyTriggered(), row.rerunOf());
        }
        PipelineRef pipeline = tables.pipelines.get(row.pipelineId()).ref();
        String job = tables.jobs.get(row.jobId()).name();
        return new Build(row.id(), row.team(), pipeline, job, row.name(), row.status(), row.createTime(),
                row.startTime(), row.endTime(), row.manuallyTriggered(), row.rerunOf());
    }

    private String jobRef(JobRow job) {
        return tables.pipelines.get(job.pipelineId()).ref().job(job.name()).toString();
    }
}
