package dev.concourse.storage;

import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.ResourceRef;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.storage.Tables.JobRow;
import dev.concourse.storage.Tables.ResourceRow;
import dev.concourse.storage.Tables.ResourceTypeRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

final class InMemoryPipelineStore implements PipelineStore {
    private static final PipelineConfig EMPTY = new PipelineConfig(null, null, null, null, null, null, null, null);

    private final Transactions transactions;
    private final Tables tables;
    private final InMemoryBuildStore builds;
    private final ResourceSync resources;

    InMemoryPipelineStore(Transactions transactions, Tables tables, InMemoryBuildStore builds,
            ResourceSync resources) {
        this.transactions = transactions;
        this.tables = tables;
        this.builds = builds;
        this.resources = resources;
    }

    @Override
    public Pipeline save(PipelineRef ref, PipelineConfig config, long expectedVersion, boolean pausedIfNew,
            Instant now) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(now, "now");
        return transactions.write(() -> {
            Long id = tables.pipelineIds.get(ref);
            Pipeline saved;
            if (id == null) {
                if (expectedVersion > 0) {
                    throw new ConcurrentUpdateException("pipeline " + ref + " was expected at config version "
                            + expectedVersion + " but it no longer exists; read it again before setting it");
                }
                if (!tables.teams.containsKey(ref.team())) {
                    throw new IllegalArgumentException("there is no team '" + ref.team() + "' to own pipeline " + ref);
                }
                id = tables.pipelineSeq.incrementAndGet();
                saved = new Pipeline(id, ref, config, 1, pausedIfNew, false, false, now);
                transactions.put(tables.pipelineIds, ref, id);
            } else {
                Pipeline old = tables.pipelines.get(id);
                if (expectedVersion != -1 && expectedVersion != old.configVersion()) {
                    throw new ConcurrentUpdateException("pipeline " + ref + " is at config version "
                            + old.configVersion() + ", not " + expectedVersion
                            + ": someone else set it meanwhile; read it again and retry");
                }
                saved = new Pipeline(id, old.ref(), config, old.configVersion() + 1, old.paused(), old.isPublic(),
                        false, now);
            }
            syncJobs(id, config.jobs());
            resources.sync(id, config.resources(), config.resourceTypes());
            transactions.put(tables.pipelines, id, saved);
            return saved;
        });
    }

    /** Brings the pipeline's jobs in line with its new config (see {@link PipelineStore#save}). */
    private void syncJobs(long pipelineId, List<JobConfig> configs) {
        Map<String, Long> names = tables.jobNames.get(pipelineId);
        if (names == null) {
            names = new HashMap<>();
            transactions.put(tables.jobNames, pipelineId, names);
        }
        int count = configs.size();
        NameMatch match = NameMatch.of(configs, JobConfig::name, JobConfig::oldName, names, "jobs");
        Long[] matched = match.ids();
        Set<Long> claimed = match.claimed();
        List<Long> order = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            JobConfig config = configs.get(i);
            JobRow row;
            if (matched[i] == null) {
                row = new JobRow(tables.jobSeq.incrementAndGet(), pipelineId, config.name(), config, false, true, 0);
                transactions.put(names, config.name(), row.id());
            } else {
                JobRow old = tables.jobs.get(matched[i]);
                if (!old.name().equals(config.name())) {
                    transactions.remove(names, old.name());
                    transactions.put(names, config.name(), old.id());
                }
                row = new JobRow(old.id(), pipelineId, config.name(), config, old.paused(), true,
                        old.lastBuildNumber());
            }
            transactions.put(tables.jobs, row.id(), row);
            order.add(row.id());
        }
        for (long jobId : tables.activeJobs.getOrDefault(pipelineId, List.of())) {
            if (!claimed.contains(jobId)) {
                JobRow old = tables.jobs.get(jobId);
                transactions.put(tables.jobs, jobId, new JobRow(jobId, pipelineId, old.name(), old.config(),
                        old.paused(), false, old.lastBuildNumber()));
            }
        }
        transactions.put(tables.activeJobs, pipelineId, List.copyOf(order));
    }

    @Override
    public Optional<Pipeline> find(PipelineRef ref) {
        Objects.requireNonNull(ref, "ref");
        return transactions.read(() -> Optional.ofNullable(tables.pipelineIds.get(ref)).map(tables.pipelines::get));
    }

    @Override
    public Optional<Pipeline> find(long id) {
        return transactions.read(() -> Optional.ofNullable(tables.pipelines.get(id)));
    }

    @Override
    public List<Pipeline> list(String team) {
        Objects.requireNonNull(team, "team");
        return transactions.read(() -> tables.pipelines.values().stream()
                .filter(p -> p.ref().team().equals(team))
                .sorted(Comparator.comparing((Pipeline p) -> p.ref().name()).thenComparingLong(Pipeline::id))
                .toList());
    }

    @Override
    public Optional<Pipeline> setPaused(PipelineRef ref, boolean paused) {
        return update(ref, p -> new Pipeline(p.id(), p.ref(), p.config(), p.configVersion(), paused, p.isPublic(),
                p.archived(), p.lastUpdated()));
    }

    @Override
    public Optional<Pipeline> setPublic(PipelineRef ref, boolean isPublic) {
        return update(ref, p -> new Pipeline(p.id(), p.ref(), p.config(), p.configVersion(), p.paused(), isPublic,
                p.archived(), p.lastUpdated()));
    }

    @Override
    public Optional<Pipeline> archive(PipelineRef ref) {
        return update(ref, p -> {
            syncJobs(p.id(), List.of());
            resources.sync(p.id(), List.of(), List.of());
            return new Pipeline(p.id(), p.ref(), EMPTY, p.configVersion() + 1, true, p.isPublic(), true,
                    p.lastUpdated());
        });
    }

    private Optional<Pipeline> update(PipelineRef ref, UnaryOperator<Pipeline> change) {
        Objects.requireNonNull(ref, "ref");
        return transactions.write(() -> {
            Long id = tables.pipelineIds.get(ref);
            if (id == null) {
                return Optional.empty();
            }
            Pipeline updated = change.apply(tables.pipelines.get(id));
            transactions.put(tables.pipelines, id, updated);
            return Optional.of(updated);
        });
    }

    @Override
    public boolean rename(PipelineRef ref, String newName) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(newName, "newName");
        return transactions.write(() -> {
            if (!tables.pipelineIds.containsKey(ref)) {
                return false;
            }
            if (newName.equals(ref.name())) {
                return true;
            }
            List<Pipeline> instances = new ArrayList<>();
            for (Pipeline p : tables.pipelines.values()) {
                if (p.ref().team().equals(ref.team())) {
                    if (p.ref().name().equals(newName)) {
                        throw new ConcurrentUpdateException("cannot rename pipeline " + ref + " to '" + newName
                                + "': team '" + ref.team() + "' already has a pipeline of that name");
                    }
                    if (p.ref().name().equals(ref.name())) {
                        instances.add(p);
                    }
                }
            }
            for (Pipeline p : instances) {
                PipelineRef renamed = new PipelineRef(p.ref().team(), newName, p.ref().instanceVars());
                transactions.remove(tables.pipelineIds, p.ref());
                transactions.put(tables.pipelineIds, renamed, p.id());
                transactions.put(tables.pipelines, p.id(), new Pipeline(p.id(), renamed, p.config(),
                        p.configVersion(), p.paused(), p.isPublic(), p.archived(), p.lastUpdated()));
            }
            return true;
        });
    }

    @Override
    public boolean delete(PipelineRef ref) {
        Objects.requireNonNull(ref, "ref");
        return transactions.write(() -> {
            Long id = transactions.remove(tables.pipelineIds, ref);
            if (id == null) {
                return false;
            }
            transactions.remove(tables.pipelines, id);
            transactions.remove(tables.activeJobs, id);
            Map<String, Long> names = transactions.remove(tables.jobNames, id);
            if (names != null) {
                for (long jobId : names.values()) {
                    builds.deleteBuildsOfJob(jobId);
                    transactions.remove(tables.jobs, jobId);
                }
            }
            resources.delete(id);
            return true;
        });
    }

    @Override
    public List<Job> jobs(long pipelineId) {
        return transactions.read(() -> tables.activeJobs.getOrDefault(pipelineId, List.of()).stream()
                .map(this::toJob)
                .toList());
    }

    @Override
    public Optional<Job> job(JobRef ref) {
        Objects.requireNonNull(ref, "ref");
        return transactions.read(() -> activeJob(ref).map(this::toJob));
    }

    @Override
    public Optional<Job> job(long jobId) {
        return transactions.read(() -> Optional.ofNullable(tables.jobs.get(jobId))
                .filter(JobRow::active)
                .map(row -> toJob(row.id())));
    }

    @Override
    public Optional<Job> setJobPaused(JobRef ref, boolean paused) {
        Objects.requireNonNull(ref, "ref");
        return transactions.write(() -> activeJob(ref).map(id -> {
            JobRow old = tables.jobs.get(id);
            transactions.put(tables.jobs, id, new JobRow(id, old.pipelineId(), old.name(), old.config(), paused,
                    old.active(), old.lastBuildNumber()));
            return toJob(id);
        }));
    }

    private Optional<Long> activeJob(JobRef ref) {
        Long pipelineId = tables.pipelineIds.get(ref.pipeline());
        if (pipelineId == null) {
            return Optional.empty();
        }
        Long jobId = tables.jobNames.getOrDefault(pipelineId, Map.of()).get(ref.name());
        return Optional.ofNullable(jobId).filter(id -> tables.jobs.get(id).active());
    }

    private Job toJob(long jobId) {
        JobRow row = tables.jobs.get(jobId);
        PipelineRef pipeline = tables.pipelines.get(row.pipelineId()).ref();
        return new Job(row.id(), pipeline.job(row.name()), row.config(), row.paused());
    }

    @Override
    public List<Resource> resources(long pipelineId) {
        return transactions.read(() -> tables.activeResources.getOrDefault(pipelineId, List.of()).stream()
                .map(id -> tables.toResource(tables.resources.get(id)))
                .toList());
    }

    @Override
    public Optional<Resource> resource(ResourceRef ref) {
        Objects.requireNonNull(ref, "ref");
        return transactions.read(() -> {
            Long pipelineId = tables.pipelineIds.get(ref.pipeline());
            Long id = pipelineId == null ? null : tables.resourceNames.getOrDefault(pipelineId, Map.of()).get(ref.name());
            return Optional.ofNullable(id).map(tables.resources::get).filter(ResourceRow::active).map(tables::toResource);
        });
    }

    @Override
    public Optional<Resource> resource(long resourceId) {
        return transactions.read(() -> Optional.ofNullable(tables.resources.get(resourceId))
                .filter(ResourceRow::active)
                .map(tables::toResource));
    }

    @Override
    public List<PipelineResourceType> resourceTypes(long pipelineId) {
        return transactions.read(() -> tables.activeResourceTypes.getOrDefault(pipelineId, List.of()).stream()
                .map(id -> tables.toResourceType(tables.resourceTypes.get(id)))
                .toList());
    }

    @Override
    public Optional<PipelineResourceType> resourceType(long resourceTypeId) {
        return transactions.read(() -> Optional.ofNullable(tables.resourceTypes.get(resourceTypeId))
                .filter(ResourceTypeRow::active)
                .map(tables::toResourceType));
    }
}
