package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.ConcourseException;
import dev.concourse.NotFoundException;
import dev.concourse.OneOffBuild;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.event.BuildEvent;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.internal.exec.BuildRun;
import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One-off builds ({@code fly execute}): uploads local directories as input volumes, runs the
 * task, and when it succeeded downloads its outputs into local directories before the build's
 * final status is stored, so a caller that awaited the build finds them there.
 */
final class OneOffBuilds {
    private final Storage storage;
    private final ContainerRuntime runtime;
    private final BuildLauncher launcher;
    private final EngineClock clock;

    OneOffBuilds(Storage storage, ContainerRuntime runtime, BuildLauncher launcher, EngineClock clock) {
        this.storage = storage;
        this.runtime = runtime;
        this.launcher = launcher;
        this.clock = clock;
    }

    Build execute(OneOffBuild request) {
        if (storage.teams().find(request.team()).isEmpty()) {
            throw new NotFoundException("team '" + request.team() + "' does not exist");
        }
        for (Map.Entry<String, Path> input : request.inputs().entrySet()) {
            if (!Files.isDirectory(input.getValue())) {
                throw new ConcourseException("input '" + input.getKey() + "' of the one-off build: " + input.getValue()
                        + " is not a directory");
            }
        }
        Worker worker = runtime.workers().stream().findFirst()
                .orElseThrow(() -> new ConcourseException("the runtime '" + runtime.id() + "' has no workers"));
        Map<String, Volume> artifacts = new LinkedHashMap<>();
        for (Map.Entry<String, Path> input : request.inputs().entrySet()) {
            artifacts.put(input.getKey(), upload(worker, input.getValue()));
        }
        TaskConfig config = request.config();
        Map<String, String> identity = new LinkedHashMap<>();
        config.inputs().forEach(i -> identity.put(i.name(), i.name()));
        TaskStep step = new TaskStep(request.taskName(), request.privileged(), false, null, null, config, Map.of(),
                Map.of(), java.util.List.of(), Map.of(), Map.of(), null, null);
        // Created with this node's lease on it, so that a node starting meanwhile does not take the
        // pending build, whose inputs only this node has, for one its node left behind.
        BuildLauncher.LeasedBuild created = launcher.createLeased(
                () -> storage.builds().createOneOffBuild(request.team(), clock.now()));
        Build build = created.build();
        launcher.created(build);
        launcher.launch(created, step, java.util.List.of(), artifacts,
                (run, events, status) -> download(run, events, status, request));
        return storage.builds().find(build.id()).orElse(build);
    }

    private Volume upload(Worker worker, Path dir) {
        Volume volume = worker.createVolume(VolumeSpec.empty());
        Path tar = null;
        try {
            tar = Files.createTempFile("concourse-upload-", ".tar");
            try (OutputStream out = Files.newOutputStream(tar)) {
                Tar.write(dir, out);
            }
            try (InputStream in = Files.newInputStream(tar)) {
                volume.streamIn(".", in);
            }
            return volume;
        } catch (IOException | RuntimeException e) {
            volume.destroy();
            throw new ConcourseException("cannot upload " + dir + " for the one-off build: " + e.getMessage(), e);
        } finally {
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless; the OS cleans its temp directory
                }
            }
        }
    }

    private BuildStatus download(BuildRun run, BuildEventSink events, BuildStatus status, OneOffBuild request) {
        if (status != BuildStatus.SUCCEEDED) {
            return status;
        }
        for (Map.Entry<String, Path> output : request.outputs().entrySet()) {
            Volume volume = run.artifacts().get(output.getKey());
            if (volume == null) {
                events.emit(new BuildEvent.Error(clock.now(), null, "output '" + output.getKey()
                        + "' was requested but the task has no such output; check the task's outputs"));
                return BuildStatus.ERRORED;
            }
            try (InputStream tar = volume.streamOut(".")) {
                Files.createDirectories(output.getValue());
                Tar.extract(tar, output.getValue());
            } catch (IOException | RuntimeException e) {
                events.emit(new BuildEvent.Error(clock.now(), null, "cannot copy output '" + output.getKey()
                        + "' to " + output.getValue() + ": " + e.getMessage()));
                return BuildStatus.ERRORED;
            }
        }
        return status;
    }
}
