package dev.concourse.internal.exec;

import dev.concourse.config.TaskConfig;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes of one task container, made as Concourse's worker makes them
 * ({@code atc/worker/gardenruntime/worker.go createVolumes}): an empty {@code /scratch}; each
 * input as a copy-on-write child of its artifact (streamed from another worker first when it
 * lives elsewhere), so the task's writes never change the artifact; each output empty, unless its
 * path is an input's, which then is the output; each cache from the persistent task cache; an
 * empty working directory unless something is mounted there already.
 *
 * <p>Volumes made here belong to the step: {@link #destroyUnclaimed()} removes them at its end,
 * except outputs the build registered (it owns them then) and persistent caches.
 */
final class TaskMounts {
    private static final Logger LOG = LoggerFactory.getLogger(TaskMounts.class);

    private final RunContext run;
    private final Worker worker;
    private final boolean privileged;
    private final Map<String, String> ownerProperties;
    private final List<Volume> created = new ArrayList<>();
    private final List<ContainerSpec.Mount> mounts = new ArrayList<>();
    private final Map<String, Volume> outputs = new LinkedHashMap<>();
    private final Set<Volume> claimed = new HashSet<>();

    TaskMounts(RunContext run, Worker worker, boolean privileged, Map<String, String> ownerProperties) {
        this.run = run;
        this.worker = worker;
        this.privileged = privileged;
        this.ownerProperties = Map.copyOf(ownerProperties);
    }

    /** Creates every volume; on failure what was made so far is still destroyed by {@link #destroyUnclaimed()}. */
    void create(String stepName, TaskConfig config, List<TaskInputs.Input> inputs, String workingDir) {
        List<ContainerSpec.Mount> io = new ArrayList<>();
        Map<String, Volume> inputsByPath = new LinkedHashMap<>();
        for (TaskInputs.Input input : inputs) {
            Volume copy = inputCopy(input.artifact());
            inputsByPath.put(input.destination(), copy);
            io.add(new ContainerSpec.Mount(copy, input.destination(), false));
        }
        for (TaskConfig.TaskOutputConfig output : config.outputs()) {
            String path = TaskPaths.artifactPath(workingDir, output.name(), output.path());
            Volume volume = inputsByPath.get(path);
            if (volume == null) {
                volume = track(worker.createVolume(spec(null, Map.of("concourse:output", output.name()))));
                io.add(new ContainerSpec.Mount(volume, path, false));
            }
            outputs.put(output.name(), volume);
        }
        for (TaskConfig.TaskCacheConfig cache : config.caches()) {
            String cachePath = TaskPaths.clean(cache.path());
            io.add(new ContainerSpec.Mount(cacheVolume(stepName, cachePath), TaskPaths.resolve(workingDir, cachePath),
                    false));
        }
        mounts.add(new ContainerSpec.Mount(track(worker.createVolume(spec(null, Map.of()))), "/scratch", false));
        if (io.stream().noneMatch(m -> m.path().equals(workingDir))) {
            mounts.add(new ContainerSpec.Mount(track(worker.createVolume(spec(null, Map.of()))), workingDir, false));
        }
        io.sort(Comparator.comparing(ContainerSpec.Mount::path));
        mounts.addAll(io);
    }

    List<ContainerSpec.Mount> mounts() {
        return List.copyOf(mounts);
    }

    /**
     * Registers the outputs as artifacts under their {@code output_mapping} names; from then on
     * the build owns their volumes.
     */
    void registerOutputs(Map<String, String> outputMapping) {
        outputs.forEach((name, volume) -> {
            run.artifacts.register(outputMapping.getOrDefault(name, name), volume);
            claimed.add(volume);
        });
    }

    /** Destroys the volumes made for this step that nothing else owns. */
    void destroyUnclaimed() {
        for (Volume volume : created) {
            if (claimed.contains(volume)) {
                continue;
            }
            try {
                volume.destroy();
            } catch (RuntimeException e) {
                LOG.warn("could not destroy volume {} on worker {} after a step of {}: {}", volume.handle(),
                        volume.workerName(), run.meta.describe(), e.toString());
            }
        }
        created.clear();
    }

    private Volume inputCopy(Volume artifact) {
        if (artifact.workerName().equals(worker.info().name())) {
            return track(worker.createVolume(spec(artifact, Map.of())));
        }
        // Another worker has it: stream it into a volume of our own, which is private already.
        Volume copy = track(worker.createVolume(spec(null, Map.of())));
        try (InputStream tar = artifact.streamOut(".")) {
            copy.streamIn(".", tar);
        } catch (IOException e) {
            throw new StepFailure("streaming volume " + artifact.handle() + " from worker " + artifact.workerName()
                    + " to worker " + worker.info().name() + " failed: " + e.getMessage(), e);
        }
        return copy;
    }

    /**
     * The persistent cache of (job, step, path) on this worker, made on first use. One-off builds
     * have no job to key the cache by, so they get an empty volume that goes with the step.
     */
    private Volume cacheVolume(String stepName, String cachePath) {
        if (run.meta.jobId() == 0) {
            return track(worker.createVolume(spec(null, Map.of())));
        }
        Map<String, String> key = Map.of(
                TaskCaches.JOB, Long.toString(run.meta.jobId()),
                TaskCaches.STEP, stepName,
                TaskCaches.PATH, cachePath);
        return TaskCaches.findOrCreate(worker, key, props -> worker.createVolume(
                new VolumeSpec(null, null, privileged, props)));
    }

    private VolumeSpec spec(Volume parent, Map<String, String> extra) {
        Map<String, String> properties = new LinkedHashMap<>(ownerProperties);
        properties.putAll(extra);
        return new VolumeSpec(null, parent, privileged, properties);
    }

    private Volume track(Volume volume) {
        created.add(volume);
        return volume;
    }
}
