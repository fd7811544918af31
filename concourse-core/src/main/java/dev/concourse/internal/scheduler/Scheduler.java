package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's scheduler: a deduplicated queue of jobs to schedule, drained by one task at a time
 * on the engine's executor (submitted when the queue fills, ending when it is empty, so an idle
 * scheduler holds no thread and all its work goes through the executor the engine was given),
 * running a {@link JobScheduler} pass per job; every {@link #SAFETY_NET} all jobs are requested
 * in case a request was missed. A failing pass is logged and tried again on the job's next request.
 */
public final class Scheduler implements ScheduleRequests, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** How often every job is scheduled regardless of requests (Concourse's scheduler interval). */
    public static final Duration SAFETY_NET = Duration.ofSeconds(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Storage storage;
    private final EngineClock clock;
    private final Executor executor;
    private final JobScheduler jobs;
    private final EngineActivity activity;
    private final ReentrantLock passLock = new ReentrantLock();
    private final SequencedSet<Long> queue = new LinkedHashSet<>();
    private boolean started;
    private boolean closed;
    /** Whether a drain task is submitted or running. */
    private boolean draining;
    private EngineClock.Scheduled timer;

    /**
     * @param activity counts each queued job and pass as work in flight, so the engine can tell
     *                 when it is idle
     */
    public Scheduler(Storage storage, EngineClock clock, Executor executor, BuildStarter starter,
            EngineActivity activity) {
        this(storage, clock, executor, starter, activity, "engine-" + java.util.UUID.randomUUID());
    }

    /**
     * @param node this engine node's name, the owner of the job leases its passes hold; unique among
     *             the nodes sharing the store
     */
    public Scheduler(Storage storage, EngineClock clock, Executor executor, BuildStarter starter,
            EngineActivity activity, String node) {
        this.storage = storage;
        this.clock = clock;
        this.executor = executor;
        this.jobs = new JobScheduler(storage, clock, starter, node);
        this.activity = activity;
    }

    /** Starts draining and the timer, and schedules every job once (pending builds after a restart). */
    public void start() {
        synchronized (this) {
            if (closed || started) {
                return;
            }
            started = true;
            timer = clock.schedule(SAFETY_NET, this::tick);
        }
        requestAll();
        drainIfNeeded();
    }

    @Override
    public void job(long jobId) {
        synchronized (this) {
            if (closed || !queue.add(jobId)) {
                return;
            }
            activity.begin();
        }
        drainIfNeeded();
    }

    /** Submits a drain task when there are requests, the scheduler runs, and none is submitted. */
    private void drainIfNeeded() {
        synchronized (this) {
            if (!started || closed || draining || queue.isEmpty()) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The engine is closing: its scheduling ends here.
            synchronized (this) {
                draining = false;
                notifyAll();
            }
        }
    }

    @Override
    public void jobNow(long jobId) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        activity.during(() -> pass(jobId));
    }

    @Override
    public void pipeline(long pipelineId) {
        guarded("pipeline " + pipelineId, () -> storage.pipelines().jobs(pipelineId).forEach(j -> job(j.id())));
    }

    /**
     * Schedules the jobs using the resource, and those using any resource of its team that shares
     * its version history (identical base type and source): a version one of them found is new to
     * all of them, as Concourse's {@code requestScheduleForJobsUsingResourceConfigScope}.
     */
    @Override
    public void resource(long resourceId) {
        guarded("resource " + resourceId, () -> {
            Optional<Resource> resource = storage.pipelines().resource(resourceId);
            if (resource.isEmpty()) {
                return;
            }
            long scope = resource.get().scopeId();
            if (scope == 0) {
                storage.pipelines().find(resource.get().ref().pipeline()).ifPresent(p -> jobsUsing(p, resource.get()));
                return;
            }
            for (Pipeline p : storage.pipelines().list(resource.get().ref().pipeline().team())) {
                if (p.archived()) {
                    continue;
                }
                for (Resource sharing : storage.pipelines().resources(p.id())) {
                    if (sharing.id() == resourceId || sharing.scopeId() == scope) {
                        jobsUsing(p, sharing);
                    }
                }
            }
        });
    }

    private void jobsUsing(Pipeline pipeline, Resource resource) {
        for (Job j : storage.pipelines().jobs(pipeline.id())) {
            if (JobInputs.uses(j, resource.ref().name())) {
                job(j.id());
            }
        }
    }

    /**
     * A job build finished: its downstream jobs may have inputs now, the job itself may start its
     * next build (max in flight), and versions its puts created may trigger others, so every job
     * of the pipeline is scheduled.
     */
    public void buildFinished(Build build) {
        if (build.pipeline() == null) {
            return;
        }
        guarded("build " + build.id(), () -> storage.pipelines().find(build.pipeline())
                .ifPresent(p -> pipeline(p.id())));
    }

    private void requestAll() {
        guarded("all jobs", () -> {
            for (Team team : storage.teams().list()) {
                for (Pipeline p : storage.pipelines().list(team.name())) {
                    if (!p.archived() && !p.paused()) {
                        pipeline(p.id());
                    }
                }
            }
        });
    }

    private void tick() {
        synchronized (this) {
            if (closed) {
                return;
            }
            timer = clock.schedule(SAFETY_NET, this::tick);
        }
        requestAll();
    }

    private void drain() {
        while (true) {
            long jobId;
            synchronized (this) {
                if (closed || queue.isEmpty()) {
                    draining = false;
                    notifyAll();
                    return;
                }
                jobId = queue.removeFirst();
            }
            try {
                pass(jobId);
            } finally {
                activity.end();
            }
        }
    }

    private void pass(long jobId) {
        passLock.lock();
        try {
            if (jobs.schedule(jobId)) {
                job(jobId);
            }
        } catch (RuntimeException e) {
            LOG.warn("scheduling job {} failed; it is tried again on its next request", jobId, e);
        } finally {
            passLock.unlock();
        }
    }

    private static void guarded(String what, Runnable request) {
        try {
            request.run();
        } catch (RuntimeException e) {
            LOG.warn("requesting the scheduling of {} failed; the next periodic pass covers it", what, e);
        }
    }

    /** Stops the timer and the draining, waiting (bounded) for a pass under way. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.forEach(id -> activity.end());
            queue.clear();
            if (timer != null) {
                timer.cancel();
            }
            if (passLock.isHeldByCurrentThread()) {
                // Closed from within a pass (a build run inline by the executor): nothing to wait for.
                return;
            }
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            try {
                while (draining) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.warn("a scheduling pass did not end within {} of closing the engine", CLOSE_WAIT);
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
