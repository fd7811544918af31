package dev.concourse.db.internal;

import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.ResolvedInput;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hibernate.Session;

/**
 * What job builds used and produced: inputs, outputs, pipes, the successful outputs recorded when
 * a build succeeds, and each job's next inputs.
 */
final class DbBuildHistory {
    private final Records records;

    DbBuildHistory(Records records) {
        this.records = records;
    }

    static List<BuildInput> inputs(Session session, long buildId) {
        return Sql.query(session, "SELECT name, resource_id, version_id, first_occurrence FROM concourse_build_input"
                + " WHERE build_id = ? ORDER BY pos", rs -> new BuildInput(rs.getString(1), rs.getLong(2),
                rs.getLong(3), rs.getBoolean(4)), buildId);
    }

    static List<BuildOutput> outputs(Session session, long buildId) {
        return Sql.query(session, "SELECT name, resource_id, version_id FROM concourse_build_output"
                + " WHERE build_id = ? ORDER BY pos", rs -> new BuildOutput(rs.getString(1), rs.getLong(2),
                rs.getLong(3)), buildId);
    }

    void saveInputs(Session session, BuildRow build, List<BuildInput> newInputs, Collection<Long> pipedFrom) {
        requireChangeable(session, build, "inputs");
        Set<String> names = new HashSet<>();
        for (BuildInput input : newInputs) {
            Limits.name("input name", input.name());
            if (!names.add(input.name())) {
                throw new IllegalArgumentException("build " + describe(session, build)
                        + " cannot have two inputs named '" + input.name() + "'");
            }
            requireResourceVersion(session, build, input.resourceId(), input.versionId(),
                    "input '" + input.name() + "'");
        }
        Set<Long> from = new TreeSet<>(pipedFrom);
        for (long upstream : from) {
            BuildRow row = session.find(BuildRow.class, upstream);
            if (row == null || row.jobId == 0 || row.pipelineId != build.pipelineId) {
                throw new IllegalArgumentException("build " + describe(session, build)
                        + " cannot be piped from build " + upstream + ": it is not a job build of the same pipeline");
            }
        }
        Sql.update(session, "DELETE FROM concourse_build_input WHERE build_id = ?", build.id);
        int pos = 0;
        for (BuildInput input : newInputs) {
            Sql.update(session, "INSERT INTO concourse_build_input (build_id, pos, name, job_id, resource_id,"
                    + " version_id, first_occurrence) VALUES (?, ?, ?, ?, ?, ?, ?)", build.id, pos++, input.name(),
                    build.jobId, input.resourceId(), input.versionId(), input.firstOccurrence());
        }
        Sql.update(session, "DELETE FROM concourse_build_pipe WHERE to_build_id = ?", build.id);
        for (long upstream : from) {
            Sql.update(session, "INSERT INTO concourse_build_pipe (from_build_id, to_build_id) VALUES (?, ?)",
                    upstream, build.id);
        }
    }

    void saveOutputs(Session session, BuildRow build, List<BuildOutput> newOutputs) {
        requireChangeable(session, build, "outputs");
        for (BuildOutput output : newOutputs) {
            Limits.name("output name", output.name());
            requireResourceVersion(session, build, output.resourceId(), output.versionId(),
                    "output '" + output.name() + "'");
        }
        List<BuildOutput> existing = outputs(session, build.id);
        LinkedHashSet<BuildOutput> all = new LinkedHashSet<>(existing);
        int pos = existing.size();
        for (BuildOutput output : newOutputs) {
            if (all.add(output)) {
                Sql.update(session, "INSERT INTO concourse_build_output (build_id, pos, name, resource_id,"
                        + " version_id) VALUES (?, ?, ?, ?, ?)", build.id, pos++, output.name(), output.resourceId(),
                        output.versionId());
            }
        }
    }

    /** Records a job build's successful outputs: the union of its outputs and inputs. */
    void recordSuccess(Session session, BuildRow build) {
        Map<Long, LinkedHashSet<Long>> byResource = new TreeMap<>();
        outputs(session, build.id).forEach(o ->
                byResource.computeIfAbsent(o.resourceId(), r -> new LinkedHashSet<>()).add(o.versionId()));
        inputs(session, build.id).forEach(i ->
                byResource.computeIfAbsent(i.resourceId(), r -> new LinkedHashSet<>()).add(i.versionId()));
        int pos = 0;
        for (Map.Entry<Long, LinkedHashSet<Long>> entry : byResource.entrySet()) {
            for (long version : entry.getValue()) {
                Sql.update(session, "INSERT INTO concourse_successful_output (build_id, pos, job_id, resource_id,"
                        + " version_id) VALUES (?, ?, ?, ?, ?)", build.id, pos++, build.jobId, entry.getKey(), version);
            }
        }
    }

    void saveNextInputs(Session session, JobRow job, NextBuildInputs next) {
        for (ResolvedInput input : next.inputs()) {
            if (input.isResolved()) {
                ResourceRow resource = DbResourceSync.find(session, input.resourceId(), ResourceRow.RESOURCE)
                        .orElse(null);
                if (resource == null || resource.pipelineId != job.pipelineId) {
                    throw new IllegalArgumentException("input '" + input.name() + "' of job " + job.name
                            + " names resource " + input.resourceId() + ", which is not of the job's pipeline");
                }
                if (!DbVersionStore.versionExists(session, input.versionId())) {
                    throw new IllegalArgumentException("input '" + input.name() + "' of job " + job.name
                            + " names version " + input.versionId() + ", which the store does not know");
                }
            }
        }
        String json = Json.nextInputs(next);
        Limits.check("next inputs of job " + job.name, json, Limits.TEXT);
        Sql.update(session, "DELETE FROM concourse_next_inputs WHERE job_id = ?", job.id);
        Sql.update(session, "INSERT INTO concourse_next_inputs (job_id, inputs_json) VALUES (?, ?)", job.id, json);
    }

    private void requireChangeable(Session session, BuildRow build, String what) {
        if (build.jobId == 0) {
            throw new IllegalArgumentException("one-off build " + build.id + " has no " + what
                    + ": only job builds record them");
        }
        if (build.buildStatus().isFinished()) {
            throw new IllegalArgumentException("build " + describe(session, build) + " has finished ("
                    + build.status + "): record its " + what + " before it finishes");
        }
    }

    private void requireResourceVersion(Session session, BuildRow build, long resourceId, long versionId,
            String what) {
        ResourceRow resource = DbResourceSync.find(session, resourceId, ResourceRow.RESOURCE).orElse(null);
        if (resource == null || resource.pipelineId != build.pipelineId) {
            throw new IllegalArgumentException(what + " of build " + describe(session, build) + " names resource "
                    + resourceId + ", which is not of the build's pipeline");
        }
        if (!DbVersionStore.versionExists(session, versionId)) {
            throw new IllegalArgumentException(what + " of build " + describe(session, build) + " names version "
                    + versionId + ", which the store does not know (save versions before using them)");
        }
    }

    private String describe(Session session, BuildRow build) {
        if (build.jobId == 0) {
            return "#" + build.id;
        }
        return records.build(session, build).describe();
    }

}
