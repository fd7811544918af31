package dev.concourse.internal.check;

import dev.concourse.Pipeline;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.AcrossStep;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.RetryStep;
import dev.concourse.config.Step;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks resources periodically, as Concourse's resource scanner ({@code atc/lidar/scanner.go},
 * docs {@code internals/checker.md}) does: a resource of an unpaused, unarchived pipeline is
 * checked once its {@code check_every} (default {@value #DEFAULT_INTERVAL_TEXT}; {@code never}:
 * not at all) has elapsed since its last check, provided it matters: it is a {@code trigger: true}
 * get input of some job of its pipeline, or it was never checked, or has no version yet, or its
 * last check failed. A resource used only as a non-triggering input with versions is left alone
 * (a build's own check of it keeps it fresh).
 *
 * <p>A failed check is retried sooner than the interval, with exponential backoff: 1s after the
 * first failure, then 2s, 4s... doubling up to the interval; a success returns to the interval.
 * The failure count lives in memory, so an engine restart retries after 1s.
 *
 * <p>Timers run on the engine's clock, one per resource; the due time is computed from the
 * resource's stored last check time, so checks made elsewhere (the API, a build's get step,
 * a webhook) push the next periodic one back. Every {@value #RESCAN_SECONDS} seconds a rescan
 * picks up pipelines that were set, paused, unpaused or archived. The checks themselves run on the
 * engine's executor, one per resource at a time.
 *
 * <p>Thread-safe.
 */
public final class CheckScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);
    static final String DEFAULT_INTERVAL_TEXT = "1m";
    /** Concourse's default {@code --resource-checking-interval}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    static final long RESCAN_SECONDS = 10;
    static final Duration RESCAN = Duration.ofSeconds(RESCAN_SECONDS);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    /** Runs one check of a resource now and says how it went (a failure is returned, not thrown). */
    @FunctionalInterface
    public interface Check {
        CheckOutcome run(Pipeline pipeline, Resource resource);
    }

    private final Storage storage;
    private final EngineClock clock;
    private final Executor executor;
    private final Check check;
    private final EngineActivity activity;
    private final Map<Long, Slot> slots = new HashMap<>();
    private EngineClock.Scheduled rescanTimer;
    private boolean started;
    private boolean closed;

    /**
     * @param activity counts checks that are due now or running as work in flight (a check due
     *                 later is not)
     */
    public CheckScheduler(Storage storage, EngineClock clock, Executor executor, Check check,
            EngineActivity activity) {
        this.activity = Objects.requireNonNull(activity, "activity");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.check = Objects.requireNonNull(check, "check");
    }

    /** Scans now, then every {@value #RESCAN_SECONDS} seconds. Harmless when started or closed. */
    public void start() {
        synchronized (this) {
            if (started || closed) {
                return;
            }
            started = true;
        }
        rescan();
    }

    /** Cancels every timer; running checks end on their own (the engine stops them when it closes). */
    @Override
    public synchronized void close() {
        closed = true;
        if (rescanTimer != null) {
            rescanTimer.cancel();
        }
        slots.values().forEach(Slot::cancel);
        slots.clear();
    }

    /** Recomputes which resources are due when, and schedules the next rescan. */
    void rescan() {
        Map<Long, Instant> due = new HashMap<>();
        try {
            for (Team team : storage.teams().list()) {
                for (Pipeline pipeline : storage.pipelines().list(team.name())) {
                    if (pipeline.paused() || pipeline.archived()) {
                        continue;
                    }
                    Set<String> triggers = triggerInputs(pipeline);
                    for (Resource resource : storage.pipelines().resources(pipeline.id())) {
                        dueAt(pipeline, resource, triggers).ifPresent(at -> due.put(resource.id(), at));
                    }
                }
            }
        } catch (RuntimeException e) {
            // Storage trouble: keep the timers as they are and try again at the next rescan.
            LOG.warn("scanning resources for checks failed; trying again in {}s: {}", RESCAN_SECONDS, e.toString());
            scheduleRescan();
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            for (var it = slots.entrySet().iterator(); it.hasNext();) {
                var entry = it.next();
                if (!due.containsKey(entry.getKey()) && !entry.getValue().running) {
                    entry.getValue().cancel();
                    if (!storage.pipelines().resource(entry.getKey()).isPresent()) {
                        it.remove();
                    }
                }
            }
            due.forEach((id, at) -> arm(slots.computeIfAbsent(id, k -> new Slot()), id, at));
        }
        scheduleRescan();
    }

    private synchronized void scheduleRescan() {
        if (!closed) {
            rescanTimer = clock.schedule(RESCAN, () -> {
                try {
                    executor.execute(this::rescan);
                } catch (RejectedExecutionException e) {
                    // The engine is closing.
                }
            });
        }
    }

    /** (Re)arms the slot's timer for {@code when}, unless it is already armed for then or its check runs. */
    private void arm(Slot slot, long resourceId, Instant when) {
        if (slot.running || closed || when.equals(slot.due) && slot.timer != null) {
            return;
        }
        slot.cancel();
        Duration delay = Duration.between(clock.now(), when);
        slot.due = when;
        if (!delay.isPositive()) {
            // Due now: in flight until it ran (or was cancelled), so the engine is not idle meanwhile.
            slot.imminent = true;
            activity.begin();
        }
        slot.timer = clock.schedule(delay.isNegative() ? Duration.ZERO : delay, () -> fire(resourceId));
    }

    private void fire(long resourceId) {
        boolean imminent;
        synchronized (this) {
            Slot slot = slots.get(resourceId);
            imminent = slot != null && slot.imminent;
            if (imminent) {
                slot.imminent = false;
            }
        }
        boolean handedOn = false;
        try {
            handedOn = fire(resourceId, imminent);
        } finally {
            if (imminent && !handedOn) {
                activity.end();
            }
        }
    }

    /** Whether the check was handed to the executor, which ends the activity of an imminent check. */
    private boolean fire(long resourceId, boolean imminent) {
        Slot slot;
        synchronized (this) {
            slot = slots.get(resourceId);
            if (closed || slot == null || slot.running) {
                return false;
            }
            slot.timer = null;
            slot.due = null;
        }
        Optional<Resource> resource = storage.pipelines().resource(resourceId);
        Optional<Pipeline> pipeline = resource.flatMap(r -> storage.pipelines().find(r.ref().pipeline()));
        if (resource.isEmpty() || pipeline.isEmpty() || pipeline.get().paused() || pipeline.get().archived()) {
            return false;
        }
        Optional<Instant> due = dueAt(pipeline.get(), resource.get(), triggerInputs(pipeline.get()));
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (due.isEmpty()) {
                return false;
            }
            if (due.get().isAfter(clock.now())) {
                // Checked meanwhile (through the API, a build, a webhook): wait for the new due time.
                arm(slot, resourceId, due.get());
                return false;
            }
            slot.running = true;
        }
        try {
            executor.execute(() -> {
                try {
                    run(slot, resourceId, pipeline.get(), resource.get());
                } finally {
                    if (imminent) {
                        activity.end();
                    }
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                slot.running = false;
            }
            return false;
        }
    }

    private void run(Slot slot, long resourceId, Pipeline pipeline, Resource resource) {
        boolean failed;
        try {
            CheckOutcome outcome = check.run(pipeline, resource);
            failed = !outcome.succeeded();
        } catch (ResourceCancelledException e) {
            return;
        } catch (RuntimeException e) {
            LOG.warn("the periodic check of {} failed unexpectedly", ResourceChecker.describe(pipeline, resource), e);
            failed = true;
        } finally {
            synchronized (this) {
                slot.running = false;
            }
        }
        Optional<Resource> now = storage.pipelines().resource(resourceId);
        synchronized (this) {
            if (closed) {
                return;
            }
            slot.failures = failed ? slot.failures + 1 : 0;
        }
        if (now.isPresent()) {
            Optional<Instant> next = dueAt(pipeline, now.get(), triggerInputs(pipeline));
            synchronized (this) {
                next.ifPresent(d -> arm(slot, resourceId, d));
            }
        }
    }

    /** When the resource's next check is due, empty if it is not checked periodically. */
    private Optional<Instant> dueAt(Pipeline pipeline, Resource resource, Set<String> triggers) {
        Optional<Duration> interval = interval(pipeline, resource);
        if (interval.isEmpty()) {
            return Optional.empty();
        }
        boolean failed = resource.checkError() != null;
        boolean matters = triggers.contains(resource.ref().name()) || resource.lastChecked() == null || failed
                || resource.scopeId() == 0 || storage.versions().latest(resource.scopeId()).isEmpty();
        if (!matters) {
            return Optional.empty();
        }
        if (resource.lastChecked() == null) {
            return Optional.of(clock.now());
        }
        Duration wait = failed ? backoff(interval.get(), failures(resource.id())) : interval.get();
        return Optional.of(resource.lastChecked().plus(wait));
    }

    private synchronized int failures(long resourceId) {
        Slot slot = slots.get(resourceId);
        return slot == null ? 0 : slot.failures;
    }

    /** 1s after the first failure (or one unknown to this engine), doubling, at most {@code interval}. */
    static Duration backoff(Duration interval, int failures) {
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        Duration delay = FIRST_RETRY.multipliedBy(1L << doublings);
        return delay.compareTo(interval) < 0 ? delay : interval;
    }

    private static Optional<Duration> interval(Pipeline pipeline, Resource resource) {
        String every = resource.config().checkEvery();
        if (every == null || every.isEmpty()) {
            return Optional.of(DEFAULT_INTERVAL);
        }
        if ("never".equals(every)) {
            return Optional.empty();
        }
        try {
            Duration parsed = GoDuration.parse(every);
            return Optional.of(parsed.isZero() || parsed.isNegative() ? DEFAULT_INTERVAL : parsed);
        } catch (IllegalArgumentException e) {
            // The validator rejects such a pipeline; one set without validation is still checked.
            LOG.warn("{} has an invalid check_every '{}', using {}: {}", ResourceChecker.describe(pipeline, resource),
                    every, DEFAULT_INTERVAL_TEXT, e.getMessage());
            return Optional.of(DEFAULT_INTERVAL);
        }
    }

    /** The resources some job of the pipeline gets with {@code trigger: true}. */
    static Set<String> triggerInputs(Pipeline pipeline) {
        Set<String> names = new HashSet<>();
        for (JobConfig job : pipeline.config().jobs()) {
            gets(job.asStep(), names);
        }
        return names;
    }

    private static void gets(Step step, Set<String> names) {
        switch (step) {
            case GetStep get -> {
                if (get.trigger()) {
                    names.add(get.resourceName());
                }
            }
            case DoStep s -> s.steps().forEach(sub -> gets(sub, names));
            case InParallelStep s -> s.steps().forEach(sub -> gets(sub, names));
            case TryStep s -> gets(s.step(), names);
            case AcrossStep s -> gets(s.step(), names);
            case RetryStep s -> gets(s.step(), names);
            case TimeoutStep s -> gets(s.step(), names);
            case HookStep s -> {
                gets(s.step(), names);
                gets(s.hook(), names);
            }
            default -> {
            }
        }
    }

    /** A resource's timer and retry state; guarded by the scheduler. */
    private final class Slot {
        EngineClock.Scheduled timer;
        Instant due;
        boolean running;
        int failures;
        /** Armed to fire now, counted as activity until it fired or is cancelled. */
        boolean imminent;

        void cancel() {
            if (timer != null) {
                timer.cancel();
                timer = null;
                due = null;
            }
            if (imminent) {
                imminent = false;
                activity.end();
            }
        }
    }
}
