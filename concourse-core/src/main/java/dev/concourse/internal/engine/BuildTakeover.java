package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.internal.event.BuildEventLog;
import dev.concourse.internal.lease.NodeLeases;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.Storage;
import java.util.EnumSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the builds that a stopped engine node left started: at this node's start and on every
 * heartbeat after (so a node already running takes over from a node that dies later). A build is
 * taken over only if its lease ({@code build:<id>}) can be acquired, that is when the node that
 * ran it stopped renewing it for the lease's duration (or nobody held it: an engine that stopped
 * before leases, or whose store lost them); builds of live nodes are left alone.
 *
 * <p>A build that {@link BuildResumption} finds resumable (a runtime that re-attaches across
 * instances, the running steps' containers found, only task, get and put steps past their start) is
 * resumed: its stored plan replays on this node, its finished steps are taken over as finished (each
 * with a log line saying so), its running steps re-attach to their processes, and a log line says
 * which node took it over from which. Any other build is not re-attached: the containers and
 * volumes of the build this node's runtime can see are destroyed (with {@code RuncContainerRuntime}
 * or a {@code LocalProcessRuntime} on the same directory that includes the stopped node's running
 * steps), and the build ends {@code errored} with an event naming the node that stopped and saying
 * why it could not be resumed. On a runtime that re-attaches across instances, each scan also
 * destroys the containers and volumes left by finished builds ({@link BuildContainers}).
 */
final class BuildTakeover {
    private static final Logger LOG = LoggerFactory.getLogger(BuildTakeover.class);
    private final Storage storage;
    private final BuildLauncher launcher;
    private final NodeLeases leases;
    private final ContainerRuntime runtime;
    private final EngineClock clock;
    private final BuildResumption resumption;
    private final BuildContainers containers;

    BuildTakeover(Storage storage, BuildLauncher launcher, NodeLeases leases, ContainerRuntime runtime,
            EngineClock clock) {
        this.clock = clock;
        this.storage = storage;
        this.launcher = launcher;
        this.leases = leases;
        this.runtime = runtime;
        this.resumption = new BuildResumption(storage, runtime);
        this.containers = new BuildContainers(runtime);
    }

    /**
     * At start: takes over the started builds nobody holds, and ends the pending one-off builds
     * nobody holds (their inputs were uploaded by the node that created them, which stopped);
     * pending job builds wait for the scheduler.
     */
    void recover() {
        takeOverAbandoned();
        for (Build build : storage.builds().listByStatus(EnumSet.of(BuildStatus.PENDING))) {
            if (build.isOneOff()) {
                endWithLease(build, BuildStatus.PENDING, previous -> "the engine stopped before this one-off build"
                        + " started; its inputs are gone, run it again");
            } else {
                // The scheduler starts pending job builds with their inputs once it runs.
                launcher.created(build);
            }
        }
    }

    /**
     * Takes over every started build whose lease this node can acquire: resumes it where it can
     * ({@link BuildResumption}), ends it errored otherwise.
     */
    void takeOverAbandoned() {
        for (Build build : storage.builds().listByStatus(EnumSet.of(BuildStatus.STARTED))) {
            if (launcher.isShuttingDown()) {
                return;
            }
            takeOver(build);
        }
        if (runtime.reattachesAcrossInstances() && !launcher.isShuttingDown()) {
            try {
                containers.collectFinished(storage, launcher.claimedBuilds());
            } catch (RuntimeException e) {
                LOG.warn("destroying the containers and volumes of finished builds failed; trying again at the next"
                        + " heartbeat: {}", e.toString());
            }
        }
    }

    private void takeOver(Build build) {
        if (!launcher.claim(build.id())) {
            return;
        }
        boolean handedOver = false;
        try {
            Optional<Lease> previous = leases.store().find(BuildLauncher.leaseName(build.id()));
            Optional<NodeLeases.Held> lease = leases.acquire(BuildLauncher.leaseName(build.id()),
                    () -> launcher.leaseLost(build.id()));
            if (lease.isEmpty()) {
                return;
            }
            boolean kept = false;
            try {
                Optional<Build> now = storage.builds().find(build.id());
                if (now.isEmpty() || now.get().status() != BuildStatus.STARTED) {
                    return;
                }
                BuildResumption.Outcome outcome = resumption.check(now.get());
                if (outcome instanceof BuildResumption.Resumable resumable) {
                    String notice = "engine node '" + leases.node() + "' took this build over from "
                            + from(previous) + " and resumed it, replaying its plan; " + resumable.describe();
                    String takeover = "engine node '" + leases.node() + "' took this build over from "
                            + previous.map(l -> "engine node '" + l.owner() + "'").orElse("an engine that stopped");
                    LOG.warn("build {}: {}", build.describe(), notice);
                    launcher.resume(now.get(), resumable, notice, takeover, lease.get());
                    kept = true;
                    handedOver = true;
                    return;
                }
                String why = stopped(previous) + ", and engine node '" + leases.node() + "' took the build over;"
                        + " it could not be resumed: " + ((BuildResumption.NotResumable) outcome).why();
                BuildContainers.Destroyed destroyed = containers.destroy(build.id());
                why += (destroyed.containers() == 0 ? "" : "; the " + destroyed.containers() + " container(s) of the"
                        + " build found on this node's workers were destroyed")
                        + (destroyed.volumes() == 0 ? "" : "; its " + destroyed.volumes() + " volume(s) too")
                        + ". Trigger the job again";
                BuildEventLog log = launcher.leasedLogOf(build.id(), lease.get());
                LOG.warn("build {}: {}", build.describe(), why);
                log.emit(new BuildEvent.Error(clock.now(), null, why));
                kept = true;
                launcher.end(build.id(), BuildStatus.ERRORED, log, lease.get());
            } finally {
                if (!kept) {
                    lease.get().release();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("taking over build {} failed; trying again at the next heartbeat: {}", build.describe(),
                    e.toString());
        } finally {
            if (!handedOver) {
                launcher.unclaim(build.id());
            }
        }
    }

    private static String from(Optional<Lease> previous) {
        return previous.map(l -> "engine node '" + l.owner() + "' (it stopped renewing its lease, which lapsed at "
                + l.expiresAt() + ")").orElse("an engine that stopped (no engine node held its lease)");
    }

    private interface Reason {
        String why(Optional<Lease> previous);
    }

    /**
     * Ends the build errored, with an event saying why, if this node gets its lease and the build
     * is still {@code expected} (another node may have finished it since it was listed).
     */
    private void endWithLease(Build build, BuildStatus expected, Reason reason) {
        if (!launcher.claim(build.id())) {
            return;
        }
        try {
            Optional<Lease> previous = leases.store().find(BuildLauncher.leaseName(build.id()));
            Optional<NodeLeases.Held> lease = leases.acquire(BuildLauncher.leaseName(build.id()), () -> { });
            if (lease.isEmpty()) {
                return;
            }
            boolean ended = false;
            try {
                if (storage.builds().find(build.id()).map(b -> b.status() == expected).orElse(false)) {
                    BuildEventLog log = launcher.leasedLogOf(build.id(), lease.get());
                    String why = reason.why(previous);
                    LOG.warn("build {}: {}", build.describe(), why);
                    log.emit(new BuildEvent.Error(clock.now(), null, why));
                    ended = true;
                    launcher.end(build.id(), BuildStatus.ERRORED, log, lease.get());
                }
            } finally {
                if (!ended) {
                    lease.get().release();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("taking over build {} failed; trying again at the next heartbeat: {}", build.describe(),
                    e.toString());
        } finally {
            launcher.unclaim(build.id());
        }
    }

    private static String stopped(Optional<Lease> previous) {
        if (previous.isEmpty()) {
            return "the engine running this build stopped (no engine node held its lease)";
        }
        Lease lease = previous.get();
        return "engine node '" + lease.owner() + "' stopped renewing its lease on this build (the lease lapsed at "
                + lease.expiresAt() + ")";
    }
}
