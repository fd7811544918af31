package dev.concourse.db.internal;

import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.ResourceRef;
import dev.concourse.config.ConfigJson;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.PipelineStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

final class DbPipelineStore implements PipelineStore {
    private final Db db;
    private final Records records;
    private final DbResourceSync resources;

    DbPipelineStore(Db db, Records records, DbResourceSync resources) {
        this.db = db;
        this.records = records;
        this.resources = resources;
    }

    @Override
    public Pipeline save(PipelineRef ref, PipelineConfig config, long expectedVersion, boolean pausedIfNew,
            Instant now) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(now, "now");
        Limits.name("pipeline name", ref.name());
        String json = ConfigJson.toJson(config);
        Limits.check("the config of pipeline " + ref, json, Limits.TEXT);
        return db.write(session -> {
            PipelineRow row = Records.findPipeline(session, ref).orElse(null);
            if (row == null) {
                if (expectedVersion > 0) {
                    throw new ConcurrentUpdateException("pipeline " + ref + " was expected at config version "
                            + expectedVersion + " but it no longer exists; read it again before setting it");
                }
                if (DbTeamStore.row(session, ref.team()).isEmpty()) {
                    throw new IllegalArgumentException("there is no team '" + ref.team() + "' to own pipeline " + ref);
                }
                row = new PipelineRow();
                row.team = ref.team();
                row.name = ref.name();
                row.instanceVars = Json.write(ref.instanceVars());
                row.instanceVarsHash = Json.sha256(row.instanceVars);
                row.configVersion = 1;
                row.paused = pausedIfNew;
                row.isPublic = false;
            } else {
                if (expectedVersion != -1 && expectedVersion != row.configVersion) {
                    throw new ConcurrentUpdateException("pipeline " + ref + " is at config version "
                            + row.configVersion + ", not " + expectedVersion
                            + ": someone else set it meanwhile; read it again and retry");
                }
                row.configVersion++;
            }
            row.config = json;
            row.archived = false;
            row.lastUpdated = now;
            if (row.id == 0) {
                session.persist(row);
            }
            syncJobs(session, row.id, config.jobs());
            resources.sync(session, row.id, config.resources(), config.resourceTypes());
            records.remember(row, config);
            return new Pipeline(row.id, records.ref(row), config, row.configVersion, row.paused, row.isPublic,
                    false, now);
        });
    }

    private void syncJobs(Session session, long pipelineId, List<JobConfig> configs) {
        List<JobRow> all = session.createSelectionQuery("from JobRow where pipelineId = :p", JobRow.class)
                .setParameter("p", pipelineId)
                .getResultList();
        Map<String, JobRow> byName = new HashMap<>();
        all.forEach(j -> byName.put(j.name, j));
        NameMatch<JobRow> match = NameMatch.of(configs, JobConfig::name, JobConfig::oldName, byName, j -> j.id,
                "jobs");
        Set<Long> claimed = match.claimed();
        for (JobRow job : all) {
            if (job.active && !claimed.contains(job.id)) {
                job.active = false;
            }
        }
        for (int i = 0; i < configs.size(); i++) {
            JobConfig config = configs.get(i);
            Limits.name("job name", config.name());
            JobRow row = match.rows().get(i);
            if (row == null) {
                row = new JobRow();
                row.pipelineId = pipelineId;
                row.name = config.name();
                row.active = true;
                row.pos = i;
                session.persist(row);
            } else {
                row.name = config.name();
                row.active = true;
                row.pos = i;
            }
        }
    }

    @Override
    public Optional<Pipeline> find(PipelineRef ref) {
        Objects.requireNonNull(ref, "ref");
        return db.read(session -> Records.findPipeline(session, ref).map(records::pipeline));
    }

    @Override
    public Optional<Pipeline> find(long id) {
        return db.read(session -> Optional.ofNullable(session.find(PipelineRow.class, id)).map(records::pipeline));
    }

    @Override
    public List<Pipeline> list(String team) {
        Objects.requireNonNull(team, "team");
        return db.read(session -> session.createSelectionQuery("from PipelineRow where team = :team",
                        PipelineRow.class)
                .setParameter("team", team)
                .getResultList()
                .stream()
                .sorted(Comparator.comparing((PipelineRow p) -> p.name).thenComparingLong(p -> p.id))
                .map(records::pipeline)
                .toList());
    }

    @Override
    public Optional<Pipeline> setPaused(PipelineRef ref, boolean paused) {
        return update(ref, (session, row) -> row.paused = paused);
    }

    @Override
    public Optional<Pipeline> setPublic(PipelineRef ref, boolean isPublic) {
        return update(ref, (session, row) -> row.isPublic = isPublic);
    }

    @Override
    public Optional<Pipeline> archive(PipelineRef ref) {
        return update(ref, (session, row) -> {
            syncJobs(session, row.id, List.of());
            resources.sync(session, row.id, List.of(), List.of());
            row.config = null;
            row.configVersion++;
            row.paused = true;
            row.archived = true;
        });
    }

    private interface Change {
        void apply(Session session, PipelineRow row);
    }

    private Optional<Pipeline> update(PipelineRef ref, Change change) {
        Objects.requireNonNull(ref, "ref");
        return db.write(session -> Records.findPipeline(session, ref).map(row -> {
            change.apply(session, row);
            return records.pipeline(row);
        }));
    }

    @Override
    public boolean rename(PipelineRef ref, String newName) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(newName, "newName");
        Limits.name("pipeline name", newName);
        return db.write(session -> {
            if (Records.findPipeline(session, ref).isEmpty()) {
                return false;
            }
            if (newName.equals(ref.name())) {
                return true;
            }
            List<PipelineRow> ofTeam = session.createSelectionQuery("from PipelineRow where team = :team"
                    + " and (name = :old or name = :new)", PipelineRow.class)
                    .setParameter("team", ref.team())
                    .setParameter("old", ref.name())
                    .setParameter("new", newName)
                    .getResultList();
            if (ofTeam.stream().anyMatch(p -> p.name.equals(newName))) {
                throw new ConcurrentUpdateException("cannot rename pipeline " + ref + " to '" + newName
                        + "': team '" + ref.team() + "' already has a pipeline of that name");
            }
            ofTeam.forEach(p -> p.name = newName);
            return true;
        });
    }

    @Override
    public boolean delete(PipelineRef ref) {
        Objects.requireNonNull(ref, "ref");
        return db.write(session -> {
            Optional<PipelineRow> found = Records.findPipeline(session, ref);
            if (found.isEmpty()) {
                return false;
            }
            long id = found.get().id;
            String builds = "(SELECT id FROM concourse_build WHERE pipeline_id = ?)";
            Sql.update(session, "DELETE FROM concourse_build_event WHERE build_id IN " + builds, id);
            Sql.update(session, "DELETE FROM concourse_build_input WHERE build_id IN " + builds, id);
            Sql.update(session, "DELETE FROM concourse_build_output WHERE build_id IN " + builds, id);
            Sql.update(session, "DELETE FROM concourse_successful_output WHERE build_id IN " + builds, id);
            Sql.update(session, "DELETE FROM concourse_build_pipe WHERE to_build_id IN " + builds
                    + " OR from_build_id IN " + builds, id, id);
            Sql.update(session, "DELETE FROM concourse_build WHERE pipeline_id = ?", id);
            Sql.update(session, "DELETE FROM concourse_next_inputs WHERE job_id IN"
                    + " (SELECT id FROM concourse_job WHERE pipeline_id = ?)", id);
            Sql.update(session, "DELETE FROM concourse_job WHERE pipeline_id = ?", id);
            resources.delete(session, id);
            Sql.update(session, "DELETE FROM concourse_pipeline WHERE id = ?", id);
            session.clear();
            return true;
        });
    }

    @Override
    public List<Job> jobs(long pipelineId) {
        return db.read(session -> session.createSelectionQuery("from JobRow where pipelineId = :p and active = true"
                        + " order by pos", JobRow.class)
                .setParameter("p", pipelineId)
                .getResultList()
                .stream()
                .map(row -> records.job(session, row))
                .toList());
    }

    @Override
    public Optional<Job> job(JobRef ref) {
        Objects.requireNonNull(ref, "ref");
        return db.read(session -> activeJob(session, ref).map(row -> records.job(session, row)));
    }

    @Override
    public Optional<Job> job(long jobId) {
        return db.read(session -> Optional.ofNullable(session.find(JobRow.class, jobId))
                .filter(row -> row.active)
                .map(row -> records.job(session, row)));
    }

    @Override
    public Optional<Job> setJobPaused(JobRef ref, boolean paused) {
        Objects.requireNonNull(ref, "ref");
        return db.write(session -> activeJob(session, ref).map(row -> {
            row.paused = paused;
            return records.job(session, row);
        }));
    }

    private static Optional<JobRow> activeJob(Session session, JobRef ref) {
        if (!Limits.storable(ref.name())) {
            return Optional.empty();
        }
        return Records.findPipeline(session, ref.pipeline()).flatMap(p -> session.createSelectionQuery(
                        "from JobRow where pipelineId = :p and name = :name and active = true", JobRow.class)
                .setParameter("p", p.id)
                .setParameter("name", ref.name())
                .uniqueResultOptional());
    }

    @Override
    public List<Resource> resources(long pipelineId) {
        return db.read(session -> DbResourceSync.active(session, pipelineId, ResourceRow.RESOURCE).stream()
                .map(row -> records.resource(session, row))
                .toList());
    }

    @Override
    public Optional<Resource> resource(ResourceRef ref) {
        Objects.requireNonNull(ref, "ref");
        if (!Limits.storable(ref.name())) {
            return Optional.empty();
        }
        return db.read(session -> Records.findPipeline(session, ref.pipeline()).flatMap(p -> session
                        .createSelectionQuery("from ResourceRow where pipelineId = :p and kind = :kind"
                                + " and name = :name and active = true", ResourceRow.class)
                        .setParameter("p", p.id)
                        .setParameter("kind", ResourceRow.RESOURCE)
                        .setParameter("name", ref.name())
                        .uniqueResultOptional())
                .map(row -> records.resource(session, row)));
    }

    @Override
    public Optional<Resource> resource(long resourceId) {
        return db.read(session -> DbResourceSync.find(session, resourceId, ResourceRow.RESOURCE)
                .filter(row -> row.active)
                .map(row -> records.resource(session, row)));
    }

    @Override
    public List<PipelineResourceType> resourceTypes(long pipelineId) {
        return db.read(session -> DbResourceSync.active(session, pipelineId, ResourceRow.TYPE).stream()
                .map(row -> records.resourceType(session, row))
                .toList());
    }

    @Override
    public Optional<PipelineResourceType> resourceType(long resourceTypeId) {
        return db.read(session -> DbResourceSync.find(session, resourceTypeId, ResourceRow.TYPE)
                .filter(row -> row.active)
                .map(row -> records.resourceType(session, row)));
    }

}
