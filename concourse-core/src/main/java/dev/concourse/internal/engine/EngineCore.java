package dev.concourse.internal.engine;

import dev.concourse.Builds;
import dev.concourse.Jobs;
import dev.concourse.Pipelines;
import dev.concourse.Team;
import dev.concourse.Teams;
import dev.concourse.Workers;
import dev.concourse.internal.event.EventLogs;
import dev.concourse.internal.exec.ExecEnvironment;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.scheduling.PlacementStrategies;
import dev.concourse.spi.scheduling.PlacementStrategy;
import dev.concourse.spi.storage.Storage;
import dev.concourse.storage.InMemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@code PipelineEngine}: wires the SPIs (defaults where none were given),
 * owns what it created, and hands out the services.
 */
public final class EngineCore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCore.class);

    /**
     * What the builder collected; nulls mean "use the default".
     *
     * @param storage          storage, or null for a new InMemoryStorage
     * @param runtime          runtime, or null for a new LocalProcessRuntime
     * @param placement        placement chain, empty for volume-locality
     * @param clock            clock, or null for the system clock
     * @param executor         executor, or null for virtual threads
     * @param abortGracePeriod SIGTERM to SIGKILL
     * @param externalUrl      ATC_EXTERNAL_URL
     */
    public record Settings(Storage storage, ContainerRuntime runtime, List<PlacementStrategy> placement,
            EngineClock clock, Executor executor, Duration abortGracePeriod, String externalUrl) {
    }

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Storage storage;
    private final ContainerRuntime runtime;
    private final EngineClock clock;
    private final BuildLauncher launcher;
    private final TeamService teams;
    private final PipelineService pipelines;
    private final JobService jobs;
    private final BuildService builds;
    private final Workers workers;

    public EngineCore(Settings settings) {
        this.storage = settings.storage() != null ? settings.storage() : own(new InMemoryStorage());
        this.runtime = settings.runtime() != null ? settings.runtime() : own(LocalProcessRuntime.builder().build());
        SystemEngineClock systemClock = settings.clock() == null ? own(new SystemEngineClock()) : null;
        this.clock = settings.clock() != null ? settings.clock() : systemClock;
        Executor executor = settings.executor();
        if (executor == null) {
            ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
            owned.add(virtual::shutdownNow);
            executor = virtual;
        }
        List<PlacementStrategy> placement = settings.placement().isEmpty()
                ? List.of(PlacementStrategies.volumeLocality()) : settings.placement();
        ExecEnvironment env = new ExecEnvironment(runtime, placement, clock, executor, settings.abortGracePeriod(),
                settings.externalUrl());
        EventLogs eventLogs = new EventLogs(storage.events(), executor);
        this.launcher = new BuildLauncher(storage, env, eventLogs);
        this.teams = new TeamService(storage);
        this.pipelines = new PipelineService(storage, clock, launcher);
        this.jobs = new JobService(storage, launcher, pipelines, clock::now);
        this.builds = new BuildService(storage, launcher, eventLogs,
                new OneOffBuilds(storage, runtime, launcher, clock));
        this.workers = () -> runtime.workers().stream().map(w -> w.info()).toList();
        teams.create(Team.MAIN);
    }

    private <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("the engine is closed; build a new one");
        }
        if (started.compareAndSet(false, true)) {
            launcher.recover();
        }
    }

    public Teams teams() {
        return teams;
    }

    public Pipelines pipelines() {
        return pipelines;
    }

    public Jobs jobs() {
        return jobs;
    }

    public Builds builds() {
        return builds;
    }

    public Workers workers() {
        return workers;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        launcher.shutdown();
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", owned.get(i), e.toString());
            }
        }
    }
}
