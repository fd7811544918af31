package dev.concourse.db.internal;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.NextBuildInputs;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

final class DbBuildStore implements BuildStore {
    private final Db db;
    private final Records records;
    private final DbBuildHistory history;

    DbBuildStore(Db db, Records records, DbBuildHistory history) {
        this.db = db;
        this.records = records;
        this.history = history;
    }

    @Override
    public Build createJobBuild(long jobId, boolean manuallyTriggered, long rerunOf, Instant now) {
        Objects.requireNonNull(now, "now");
        return db.write(session -> {
            JobRow job = session.find(JobRow.class, jobId);
            if (job == null || !job.active) {
                throw new IllegalArgumentException("there is no job with id " + jobId
                        + " in its pipeline's current config to create a build of");
            }
            PipelineRow pipeline = session.find(PipelineRow.class, job.pipelineId);
            BuildRow row = new BuildRow();
            if (rerunOf != 0) {
                BuildRow rerun = session.find(BuildRow.class, rerunOf);
                if (rerun == null || rerun.jobId != jobId) {
                    throw new IllegalArgumentException("there is no build with id " + rerunOf + " of job "
                            + records.ref(pipeline).job(job.name) + " to rerun");
                }
                // Rerunning a rerun reruns its original, as Concourse does: 4.1 -> 4.2.
                BuildRow original = rerun.rerunOf == 0 ? rerun : session.find(BuildRow.class, rerun.rerunOf);
                original.lastRerun++;
                row.name = original.name + "." + original.lastRerun;
                row.rerunOf = original.id;
            } else {
                job.lastBuildNumber++;
                row.name = Long.toString(job.lastBuildNumber);
            }
            row.team = pipeline.team;
            row.pipelineId = job.pipelineId;
            row.jobId = jobId;
            row.manuallyTriggered = manuallyTriggered;
            return insert(session, row, now);
        });
    }

    @Override
    public Build createOneOffBuild(String team, Instant now) {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(now, "now");
        return db.write(session -> {
            if (DbTeamStore.row(session, team).isEmpty()) {
                throw new IllegalArgumentException("there is no team '" + team + "' to own a one-off build");
            }
            BuildRow row = new BuildRow();
            row.team = team;
            return insert(session, row, now);
        });
    }

    private Build insert(Session session, BuildRow row, Instant now) {
        row.status = BuildStatus.PENDING.wireName();
        row.createTime = now;
        row.id = Sql.queryLong(session, db.dialect() == Db.Dialect.POSTGRESQL
                ? "SELECT nextval('concourse_build_seq')" : "SELECT NEXT VALUE FOR concourse_build_seq");
        row.orderKey = row.rerunOf == 0 ? row.id : row.rerunOf;
        if (row.name == null) {
            row.name = Long.toString(row.id);
        }
        session.persist(row);
        return records.build(session, row);
    }

    @Override
    public Optional<Build> find(long id) {
        return db.read(session -> Optional.ofNullable(session.find(BuildRow.class, id))
                .map(row -> records.build(session, row)));
    }

    @Override
    public List<Build> listForJob(long jobId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(session -> session.createSelectionQuery("from BuildRow where jobId = :job order by id desc",
                        BuildRow.class)
                .setParameter("job", jobId)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(row -> records.build(session, row))
                .toList());
    }

    @Override
    public List<Build> listByStatus(Set<BuildStatus> statuses) {
        Objects.requireNonNull(statuses, "statuses");
        if (statuses.isEmpty()) {
            return List.of();
        }
        List<String> names = statuses.stream().map(BuildStatus::wireName).toList();
        return db.read(session -> session.createSelectionQuery("from BuildRow where status in :statuses order by id",
                        BuildRow.class)
                .setParameter("statuses", names)
                .getResultList()
                .stream()
                .map(row -> records.build(session, row))
                .toList());
    }

    @Override
    public List<Build> list(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(session -> session.createSelectionQuery("from BuildRow order by id desc", BuildRow.class)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(row -> records.build(session, row))
                .toList());
    }

    @Override
    public Optional<Build> start(long id, String planJson, Instant now) {
        Objects.requireNonNull(planJson, "planJson");
        Objects.requireNonNull(now, "now");
        Limits.check("the plan of build " + id, planJson, Limits.TEXT);
        return db.write(session -> {
            BuildRow row = session.find(BuildRow.class, id);
            if (row == null || row.buildStatus() != BuildStatus.PENDING) {
                return Optional.empty();
            }
            row.status = BuildStatus.STARTED.wireName();
            row.startTime = now;
            row.plan = planJson;
            return Optional.of(records.build(session, row));
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
        return db.write(session -> {
            BuildRow row = session.find(BuildRow.class, id);
            if (row == null || row.buildStatus().isFinished()) {
                return Optional.empty();
            }
            row.status = status.wireName();
            row.endTime = now;
            if (status == BuildStatus.SUCCEEDED && row.jobId != 0) {
                history.recordSuccess(session, row);
            }
            // Followers on other nodes learn that the log is complete, also if its last events were lost.
            DbEventStore.notifyAppended(session, db.dialect(), List.of(id));
            return Optional.of(records.build(session, row));
        });
    }

    @Override
    public Optional<String> plan(long id) {
        return db.read(session -> Optional.ofNullable(session.find(BuildRow.class, id)).map(row -> row.plan));
    }

    @Override
    public void saveInputs(long buildId, List<BuildInput> inputs, Collection<Long> pipedFrom) {
        List<BuildInput> copy = List.copyOf(inputs);
        List<Long> from = List.copyOf(pipedFrom);
        db.write(session -> {
            history.saveInputs(session, requireBuild(session, buildId), copy, from);
            return null;
        });
    }

    @Override
    public void saveOutputs(long buildId, List<BuildOutput> outputs) {
        List<BuildOutput> copy = List.copyOf(outputs);
        db.write(session -> {
            history.saveOutputs(session, requireBuild(session, buildId), copy);
            return null;
        });
    }

    private static BuildRow requireBuild(Session session, long buildId) {
        BuildRow row = session.find(BuildRow.class, buildId);
        if (row == null) {
            throw new IllegalArgumentException("there is no build with id " + buildId);
        }
        return row;
    }

    @Override
    public List<BuildInput> inputs(long buildId) {
        return db.read(session -> DbBuildHistory.inputs(session, buildId));
    }

    @Override
    public List<BuildOutput> outputs(long buildId) {
        return db.read(session -> DbBuildHistory.outputs(session, buildId));
    }

    @Override
    public void saveNextInputs(long jobId, NextBuildInputs next) {
        Objects.requireNonNull(next, "next");
        db.write(session -> {
            JobRow job = session.find(JobRow.class, jobId);
            if (job == null) {
                throw new IllegalArgumentException("there is no job with id " + jobId + " to save next inputs of");
            }
            history.saveNextInputs(session, job, next);
            return null;
        });
    }

    @Override
    public NextBuildInputs nextInputs(long jobId) {
        return db.read(session -> Sql.first(session, "SELECT inputs_json FROM concourse_next_inputs WHERE job_id = ?",
                rs -> Json.readNextInputs(rs.getString(1)), jobId).orElse(NextBuildInputs.NONE));
    }
}
