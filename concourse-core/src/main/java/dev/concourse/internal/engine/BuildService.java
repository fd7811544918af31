package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildPlan;
import dev.concourse.Builds;
import dev.concourse.NotFoundException;
import dev.concourse.OneOffBuild;
import dev.concourse.event.SequencedEvent;
import dev.concourse.internal.event.EventLogs;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;

/** Builds over storage, the launcher and the event logs. */
final class BuildService implements Builds {
    private final Storage storage;
    private final BuildLauncher launcher;
    private final EventLogs logs;
    private final OneOffBuilds oneOffs;

    BuildService(Storage storage, BuildLauncher launcher, EventLogs logs, OneOffBuilds oneOffs) {
        this.storage = storage;
        this.launcher = launcher;
        this.logs = logs;
        this.oneOffs = oneOffs;
    }

    @Override
    public Optional<Build> get(long id) {
        return storage.builds().find(id);
    }

    @Override
    public List<Build> list(int limit) {
        return storage.builds().list(limit);
    }

    @Override
    public void abort(long id) {
        require(id);
        launcher.abort(id);
    }

    @Override
    public Optional<BuildPlan> plan(long id) {
        return launcher.plan(id);
    }

    @Override
    public Flow.Publisher<SequencedEvent> events(long id, long fromSequence) {
        require(id);
        // A build running on another node sharing the store is followed until it finishes.
        return logs.publisher(id, Math.max(1, fromSequence),
                () -> storage.builds().find(id).map(b -> b.status().isFinished()).orElse(true));
    }

    @Override
    public Build await(long id, Duration timeout) throws InterruptedException {
        require(id);
        try {
            return launcher.await(id, timeout);
        } catch (java.util.NoSuchElementException e) {
            throw new NotFoundException(e.getMessage());
        }
    }

    @Override
    public BuildListener.Registration listen(BuildListener listener) {
        return launcher.listen(listener);
    }

    @Override
    public Build execute(OneOffBuild request) {
        return oneOffs.execute(request);
    }

    private Build require(long id) {
        return storage.builds().find(id).orElseThrow(() -> new NotFoundException("build " + id + " does not exist"));
    }
}
