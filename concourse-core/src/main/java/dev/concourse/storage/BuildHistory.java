package dev.concourse.storage;

import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.ResolvedInput;
import dev.concourse.spi.storage.ResourceVersionId;
import dev.concourse.storage.Tables.BuildRow;
import dev.concourse.storage.Tables.JobRow;
import dev.concourse.storage.Tables.ResourceRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What job builds used and produced, with the indexes {@link InMemoryVersionHistory} answers the
 * scheduler's queries from without scanning: uses of versions per job, successful builds per job
 * in newest-first order, and successful builds per (job, resource, version) for constrained
 * queries. Callers hold the write lock for changes and the read lock for reads.
 */
final class BuildHistory {
    /** A job had a version of a resource as a named input (in how many builds: the value). */
    record InputUse(long jobId, String name, long resourceId, long versionId) {
    }

    record JobResource(long jobId, long resourceId) {
    }

    record JobOutput(long jobId, long resourceId, long versionId) {
    }

    private final Transactions transactions;
    private final Tables tables;
    private final InMemoryVersionStore versions;

    final Map<Long, List<BuildInput>> inputs = new HashMap<>();
    final Map<Long, List<BuildOutput>> outputs = new HashMap<>();
    final Map<Long, NavigableSet<Long>> pipesTo = new HashMap<>();
    final Map<Long, NavigableSet<Long>> pipesFrom = new HashMap<>();
    final Map<InputUse, Integer> inputUses = new HashMap<>();
    /** Per job and resource: each version the job's builds had as an input, with those builds. */
    final Map<JobResource, Map<Long, NavigableSet<Long>>> versionUses = new HashMap<>();
    /** Per job: its successful builds, newest first. */
    final Map<Long, NavigableSet<BuildCursor>> successfulBuilds = new HashMap<>();
    final Map<Long, List<ResourceVersionId>> successfulOutputs = new HashMap<>();
    /** Per job, resource and version: the job's successful builds with that version among their outputs. */
    final Map<JobOutput, NavigableSet<BuildCursor>> successfulBuildsWithOutput = new HashMap<>();
    final Map<Long, NextBuildInputs> nextInputs = new HashMap<>();

    BuildHistory(Transactions transactions, Tables tables, InMemoryVersionStore versions) {
        this.transactions = transactions;
        this.tables = tables;
        this.versions = versions;
    }

    void saveInputs(BuildRow build, List<BuildInput> newInputs, Collection<Long> pipedFrom) {
        requireChangeable(build, "inputs");
        Set<String> names = new HashSet<>();
        for (BuildInput input : newInputs) {
            if (!names.add(input.name())) {
                throw new IllegalArgumentException("build " + describe(build) + " cannot have two inputs named '"
                        + input.name() + "'");
            }
            requireResourceVersion(build, input.resourceId(), input.versionId(), "input '" + input.name() + "'");
        }
        Set<Long> from = new TreeSet<>(pipedFrom);
        for (long upstream : from) {
            BuildRow row = tables.builds.get(upstream);
            if (row == null || row.jobId() == 0 || row.pipelineId() != build.pipelineId()) {
                throw new IllegalArgumentException("build " + describe(build) + " cannot be piped from build "
                        + upstream + ": it is not a job build of the same pipeline");
            }
        }
        unindexInputs(build);
        if (!newInputs.isEmpty()) {
            transactions.put(inputs, build.id(), newInputs);
            for (BuildInput input : newInputs) {
                InputUse use = new InputUse(build.jobId(), input.name(), input.resourceId(), input.versionId());
                transactions.put(inputUses, use, inputUses.getOrDefault(use, 0) + 1);
                Map<Long, NavigableSet<Long>> byVersion = transactions.computeIfAbsent(versionUses,
                        new JobResource(build.jobId(), input.resourceId()), HashMap::new);
                transactions.add(transactions.computeIfAbsent(byVersion, input.versionId(), TreeSet::new), build.id());
            }
        }
        removePipesTo(build.id());
        for (long upstream : from) {
            transactions.add(transactions.computeIfAbsent(pipesTo, build.id(), TreeSet::new), upstream);
            transactions.add(transactions.computeIfAbsent(pipesFrom, upstream, TreeSet::new), build.id());
        }
    }

    void saveOutputs(BuildRow build, List<BuildOutput> newOutputs) {
        requireChangeable(build, "outputs");
        for (BuildOutput output : newOutputs) {
            requireResourceVersion(build, output.resourceId(), output.versionId(), "output '" + output.name() + "'");
        }
        LinkedHashSet<BuildOutput> all = new LinkedHashSet<>(outputs.getOrDefault(build.id(), List.of()));
        if (all.addAll(newOutputs)) {
            transactions.put(outputs, build.id(), List.copyOf(all));
        }
    }

    /** Records a job build's successful outputs: the union of its outputs and inputs. */
    void recordSuccess(BuildRow build) {
        Map<Long, LinkedHashSet<Long>> byResource = new TreeMap<>();
        outputs.getOrDefault(build.id(), List.of()).forEach(o ->
                byResource.computeIfAbsent(o.resourceId(), r -> new LinkedHashSet<>()).add(o.versionId()));
        inputs.getOrDefault(build.id(), List.of()).forEach(i ->
                byResource.computeIfAbsent(i.resourceId(), r -> new LinkedHashSet<>()).add(i.versionId()));
        List<ResourceVersionId> union = new ArrayList<>();
        byResource.forEach((resource, versionIds) ->
                versionIds.forEach(version -> union.add(new ResourceVersionId(resource, version))));
        BuildCursor cursor = cursor(build);
        transactions.put(successfulOutputs, build.id(), List.copyOf(union));
        transactions.add(transactions.computeIfAbsent(successfulBuilds, build.jobId(), BuildHistory::newestFirst),
                cursor);
        for (ResourceVersionId output : union) {
            JobOutput key = new JobOutput(build.jobId(), output.resourceId(), output.versionId());
            transactions.add(transactions.computeIfAbsent(successfulBuildsWithOutput, key, BuildHistory::newestFirst),
                    cursor);
        }
    }

    /** Removes everything about a build, for deleting its pipeline. */
    void removeBuild(BuildRow build) {
        unindexInputs(build);
        transactions.remove(outputs, build.id());
        removePipesTo(build.id());
        NavigableSet<Long> downstream = transactions.remove(pipesFrom, build.id());
        if (downstream != null) {
            for (long to : downstream) {
                removeFromSetIn(pipesTo, to, build.id());
            }
        }
        List<ResourceVersionId> union = transactions.remove(successfulOutputs, build.id());
        if (union != null) {
            BuildCursor cursor = cursor(build);
            removeFromSetIn(successfulBuilds, build.jobId(), cursor);
            for (ResourceVersionId output : union) {
                removeFromSetIn(successfulBuildsWithOutput,
                        new JobOutput(build.jobId(), output.resourceId(), output.versionId()), cursor);
            }
        }
    }

    void saveNextInputs(JobRow job, NextBuildInputs next) {
        for (ResolvedInput input : next.inputs()) {
            if (input.isResolved()) {
                ResourceRow resource = tables.resources.get(input.resourceId());
                if (resource == null || resource.pipelineId() != job.pipelineId()) {
                    throw new IllegalArgumentException("input '" + input.name() + "' of job " + job.name()
                            + " names resource " + input.resourceId() + ", which is not of the job's pipeline");
                }
                if (!versions.versionExists(input.versionId())) {
                    throw new IllegalArgumentException("input '" + input.name() + "' of job " + job.name()
                            + " names version " + input.versionId() + ", which the store does not know");
                }
            }
        }
        transactions.put(nextInputs, job.id(), next);
    }

    void removeJob(long jobId) {
        transactions.remove(nextInputs, jobId);
    }

    static BuildCursor cursor(BuildRow build) {
        return new BuildCursor(build.id(), build.jobId(), build.rerunOf());
    }

    private static NavigableSet<BuildCursor> newestFirst() {
        return new TreeSet<>(BuildCursor.NEWEST_FIRST);
    }

    private void unindexInputs(BuildRow build) {
        List<BuildInput> old = transactions.remove(inputs, build.id());
        if (old == null) {
            return;
        }
        for (BuildInput input : old) {
            InputUse use = new InputUse(build.jobId(), input.name(), input.resourceId(), input.versionId());
            int count = inputUses.get(use);
            if (count == 1) {
                transactions.remove(inputUses, use);
            } else {
                transactions.put(inputUses, use, count - 1);
            }
            JobResource key = new JobResource(build.jobId(), input.resourceId());
            Map<Long, NavigableSet<Long>> byVersion = versionUses.get(key);
            removeFromSetIn(byVersion, input.versionId(), build.id());
            if (byVersion.isEmpty()) {
                transactions.remove(versionUses, key);
            }
        }
    }

    private void removePipesTo(long buildId) {
        NavigableSet<Long> upstream = transactions.remove(pipesTo, buildId);
        if (upstream != null) {
            for (long from : upstream) {
                removeFromSetIn(pipesFrom, from, buildId);
            }
        }
    }

    /** Removes {@code element} from the set at {@code key}, and the set once it is empty. */
    private <K, E> void removeFromSetIn(Map<K, ? extends Set<E>> map, K key, E element) {
        Set<E> set = map.get(key);
        if (set == null) {
            return;
        }
        transactions.removeFrom(set, element);
        if (set.isEmpty()) {
            transactions.remove(map, key);
        }
    }

    private void requireChangeable(BuildRow build, String what) {
        if (build.jobId() == 0) {
            throw new IllegalArgumentException("one-off build " + build.id() + " has no " + what
                    + ": only job builds record them");
        }
        if (build.status().isFinished()) {
            throw new IllegalArgumentException("build " + describe(build) + " has finished ("
                    + build.status().wireName() + "): record its " + what + " before it finishes");
        }
    }

    private void requireResourceVersion(BuildRow build, long resourceId, long versionId, String what) {
        ResourceRow resource = tables.resources.get(resourceId);
        if (resource == null || resource.pipelineId() != build.pipelineId()) {
            throw new IllegalArgumentException(what + " of build " + describe(build) + " names resource " + resourceId
                    + ", which is not of the build's pipeline");
        }
        if (!versions.versionExists(versionId)) {
            throw new IllegalArgumentException(what + " of build " + describe(build) + " names version " + versionId
                    + ", which the store does not know (save versions before using them)");
        }
    }

    private String describe(BuildRow build) {
        if (build.jobId() == 0) {
            return "#" + build.id();
        }
        JobRow job = tables.jobs.get(build.jobId());
        return tables.pipelines.get(build.pipelineId()).ref().job(job.name()) + " #" + build.name();
    }
}
