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
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's scheduler: a deduplicated queue of jobs to schedule, drained by one virtual thread
 * that runs a {@link JobScheduler} pass per job; every {@link #SAFETY_NET} all jobs are requested
 * in case a request was missed. A failing pass is logged and tried again on the job's next request.
 */
public final class Scheduler implements ScheduleRequests, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** How often every job is scheduled regardless of requests (Concourse's scheduler interval). */
    public static final Duration SAFETY_NET = Duration.ofSeconds(10);

    private final Storage storage;
    private final EngineClock clock;
    private final JobScheduler jobs;
    private final EngineActivity activity;
    private final ReentrantLock passLock = new ReentrantLock();
    private final SequencedSet<Long> queue = new LinkedHashSet<>();
    private boolean closed;
    private Thread worker;
    private EngineClock.Scheduled timer;

    /**
     * @param activity counts each queued job and pass as work in flight, so the engine can tell
     *                 when it is idle
     */
    public Scheduler(Storage storage, EngineClock clock, BuildStarter starter, EngineActivity activity) {
        this.storage = storage;
        this.clock = clock;
        this.jobs = new JobScheduler(storage, clock, starter);
        this.activity = activity;
    }

    /** Starts the thread and the timer, and schedules every job once (pending builds after a restart). */
    public synchronized void start() {
        if (closed || worker != null) {
            return;
        }
        worker = Thread.ofVirtual().name("concourse-scheduler").start(this::drain);
        timer = clock.schedule(SAFETY_NET, this::tick);
        requestAll();
    }

    @Override
    public void job(long jobId) {
        synchronized (this) {
            if (!closed && queue.add(jobId)) {
                activity.begin();
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

    @Override
    public void resource(long resourceId) {
        guarded("resource " + resourceId, () -> {
            Optional<Resource> resource = storage.pipelines().resource(resourceId);
            if (resource.isEmpty()) {
                return;
            }
            storage.pipelines().find(resource.get().ref().pipeline()).ifPresent(p -> {
                for (Job j : storage.pipelines().jobs(p.id())) {
                    if (JobInputs.uses(j, resource.get().ref().name())) {
                        job(j.id());
                    }
                }
            });
        });
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
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
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

    /** Stops the timer and the thread, waiting (bounded) for a pass under way. */
    @Override
    public void close() {
        Thread running;
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
            running = worker;
            notifyAll();
        }
        if (running != null) {
            try {
                if (!running.join(Duration.ofSeconds(10))) {
                    LOG.warn("a scheduling pass did not end within 10s of closing the engine");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
