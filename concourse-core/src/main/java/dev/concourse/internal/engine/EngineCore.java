package dev.concourse.internal.engine;

import dev.concourse.Builds;
import dev.concourse.Jobs;
import dev.concourse.Pipelines;
import dev.concourse.Resources;
import dev.concourse.Team;
import dev.concourse.Teams;
import dev.concourse.Workers;
import dev.concourse.credentials.CredentialSettings;
import dev.concourse.internal.check.CheckScheduler;
import dev.concourse.internal.check.ResourceChecker;
import dev.concourse.internal.check.ResourceTypeImages;
import dev.concourse.internal.credentials.EngineCredentials;
import dev.concourse.internal.event.EventLogs;
import dev.concourse.internal.exec.EngineResources;
import dev.concourse.internal.exec.ExecEnvironment;
import dev.concourse.internal.lease.NodeLeases;
import dev.concourse.internal.scheduler.BuildStarter;
import dev.concourse.internal.scheduler.DeferredScheduleRequests;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.internal.scheduler.Scheduler;
import dev.concourse.internal.resourcetype.ResourceTypeRegistry;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.scheduling.PlacementStrategies;
import dev.concourse.spi.scheduling.PlacementStrategy;
import dev.concourse.spi.storage.Storage;
import dev.concourse.storage.InMemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
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
     * @param credentialManagers credential managers in lookup order, may be empty
     * @param credentialSettings caching, retries and redaction of credentials
     * @param resourceTypes    native resource types registered on the builder, replacing built-ins
     *                         of the same name
     * @param nodeName         this engine node's name as the owner of its leases, or null for
     *                         {@code engine-<random UUID>}
     * @param leaseDuration    how long this node's leases last without a heartbeat, or null for
     *                         {@link NodeLeases#DEFAULT_DURATION}
     */
    public record Settings(Storage storage, ContainerRuntime runtime, List<PlacementStrategy> placement,
            EngineClock clock, Executor executor, Duration abortGracePeriod, String externalUrl,
            List<CredentialManager> credentialManagers, CredentialSettings credentialSettings,
            List<ResourceType> resourceTypes, String nodeName, Duration leaseDuration) {
        public Settings {
            nodeName = nodeName == null ? "engine-" + UUID.randomUUID() : nodeName;
            leaseDuration = leaseDuration == null ? NodeLeases.DEFAULT_DURATION : leaseDuration;
            placement = List.copyOf(placement);
            credentialManagers = List.copyOf(credentialManagers);
            Objects.requireNonNull(credentialSettings, "credentialSettings");
            resourceTypes = List.copyOf(resourceTypes);
        }
    }

    private final List<AutoCloseable> owned = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Storage storage;
    private final ContainerRuntime runtime;
    private final EngineClock clock;
    private final BuildLauncher launcher;
    private final NodeLeases leases;
    private final BuildTakeover takeover;
    private final TeamService teams;
    private final PipelineService pipelines;
    private final JobService jobs;
    private final BuildService builds;
    private final Workers workers;
    private final ResourceService resources;
    private final Scheduler scheduler;
    private final CheckScheduler checks;
    private final EngineActivity activity = new EngineActivity();

    public EngineCore(Settings settings) {
        try {
            SystemEngineClock systemClock = settings.clock() == null ? own(new SystemEngineClock()) : null;
            this.clock = settings.clock() != null ? settings.clock() : systemClock;
            // First of what can be refused (duplicate manager ids), before storage and runtime exist.
            EngineCredentials credentials = new EngineCredentials(settings.credentialManagers(),
                    settings.credentialSettings(), clock);
            this.storage = settings.storage() != null ? settings.storage() : own(new InMemoryStorage());
            this.runtime = settings.runtime() != null ? settings.runtime()
                    : own(LocalProcessRuntime.builder().build());
            Executor executor = executor(settings);
            List<PlacementStrategy> placement = settings.placement().isEmpty()
                    ? List.of(PlacementStrategies.volumeLocality()) : settings.placement();
            ChildPipelines children = new ChildPipelines();
            BuildSetPipelines setByBuilds = new BuildSetPipelines(storage, clock, children);
            ResourceTypeRegistry registry = ResourceTypeRegistry.withBuiltIns(clock::now);
            settings.resourceTypes().forEach(registry::register);
            dev.concourse.internal.resourcetype.Resources facade =
                    new dev.concourse.internal.resourcetype.Resources(clock, settings.abortGracePeriod(),
                            executor instanceof dev.concourse.spi.scheduling.CallerRunsExecutor);
            ResourceTypeImages typeImages = own(new ResourceTypeImages(registry, facade, storage, clock));
            DeferredScheduleRequests putVersions = new DeferredScheduleRequests();
            ResourceChecker checker = new ResourceChecker(storage, typeImages, facade, runtime, clock);
            ExecEnvironment env = new ExecEnvironment(runtime, placement, clock, executor,
                    settings.abortGracePeriod(), settings.externalUrl(), setByBuilds,
                    new EngineResources(storage, checker, typeImages, facade, putVersions));
            // Delivery loops linger on their virtual threads only on the engine's own executor: a
            // given one may run tasks on its caller or on a few threads of its own.
            EventLogs eventLogs = new EventLogs(storage.events(), executor, EventLogs.DEFAULT_RESIDENT_BUDGET,
                    settings.executor() == null ? EventLogs.DEFAULT_LINGER : Duration.ZERO);
            this.leases = own(new NodeLeases(storage.leases(), clock, executor, settings.nodeName(),
                    settings.leaseDuration()));
            this.launcher = new BuildLauncher(storage, env, eventLogs, credentials, setByBuilds, activity, leases);
            this.takeover = new BuildTakeover(storage, launcher, leases, runtime, clock);
            leases.onHeartbeat(takeover::takeOverAbandoned);
            this.scheduler = new Scheduler(storage, clock, executor, new BuildStarter() {
                @Override
                public void created(dev.concourse.Build build) {
                    launcher.created(build);
                }

                @Override
                public void start(dev.concourse.Build pending, dev.concourse.Job job,
                        java.util.Map<String, dev.concourse.resource.Version> inputs) {
                    launcher.launchJobBuild(pending, job, inputs);
                }

                @Override
                public boolean checkedSince(long resourceId, java.time.Instant since) {
                    return resources.checkedSince(resourceId, since);
                }
            }, activity, settings.nodeName());
            launcher.onJobBuildFinished(scheduler::buildFinished);
            putVersions.bind(scheduler);
            this.teams = new TeamService(storage);
            this.pipelines = new PipelineService(storage, clock, launcher, children, scheduler);
            setByBuilds.bind(pipelines);
            this.jobs = new JobService(storage, launcher, pipelines, clock::now, scheduler);
            this.builds = new BuildService(storage, launcher, eventLogs,
                    new OneOffBuilds(storage, runtime, launcher, clock));
            this.workers = () -> runtime.workers().stream().map(w -> w.info()).toList();
            this.resources = own(new ResourceService(storage, pipelines, checker, credentials, executor, activity,
                    clock));
            resources.scheduleWith(scheduler);
            this.checks = own(new CheckScheduler(storage, clock, executor, resources::checkNow,
                    resources::checkTypeNow, activity, leases));
            teams.create(Team.MAIN);
        } catch (RuntimeException e) {
            closeOwned();
            throw e;
        }
    }

    private Executor executor(Settings settings) {
        Executor executor = settings.executor();
        if (executor == null) {
            ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
            owned.add(virtual::shutdownNow);
            executor = virtual;
        }
        return executor;
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
            takeover.recover();
            scheduler.start();
            checks.start();
            leases.start();
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

    public Resources resources() {
        return resources;
    }

    /** The engine's work in flight: queued scheduling, due or running checks, running builds. */
    public EngineActivity activity() {
        return activity;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.close();
        launcher.shutdown();
        closeOwned();
    }

    private void closeOwned() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", owned.get(i), e.toString());
            }
        }
    }
}
