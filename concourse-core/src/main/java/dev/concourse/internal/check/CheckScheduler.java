package dev.concourse.internal.check;

import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.AcrossStep;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PutStep;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.config.RetryStep;
import dev.concourse.config.Step;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.lease.NodeLeases;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
 * <p>The custom types of a pipeline ({@code resource_types}) are checked the same way, on their own
 * {@code check_every} (default {@value #DEFAULT_INTERVAL_TEXT}, {@code never}: not at all) with the
 * same backoff, as Concourse checks resource types: those that matter, which are the types some
 * resource a job gets or puts is of, and the types those are built on. A type's check saves the
 * versions of its image in the type's history; steps and checks use the newest
 * ({@link ResourceTypeImages}).
 *
 * <p>Resources that share one version history (the same base type and source in a team,
 * {@link ScopeKeys}) share their periodic checks, as Concourse's checks of a shared resource config
 * scope do: one check of the history runs at a time (a resource due while another check of its
 * history runs waits for it, then counts it as its own), and a successful check of any of them
 * counts as a check of all for their {@code check_every}. Before its first check a resource has no
 * history yet and is checked on its own.
 *
 * <p>Timers run on the engine's clock, one per resource or type; the due time is computed from the
 * resource's stored last check time, so checks made elsewhere (the API, a build's get step,
 * a webhook) push the next periodic one back. Every {@value #RESCAN_SECONDS} seconds a rescan
 * picks up pipelines that were set, paused, unpaused or archived. The checks themselves run on the
 * engine's executor, one per resource at a time.
 *
 * <p>Several engine nodes sharing one store: a periodic check runs under leases
 * ({@link NodeLeases}) on what it checks: {@code check:resource:<id>} or {@code check:type:<id>},
 * and {@code check:scope:<id>} for a resource's shared version history once it has one. A node that finds the lease held skips the check (the holder runs it, and the
 * stored last-check time it leaves pushes everyone's next check back) and looks again after
 * {@value #RESCAN_SECONDS} seconds; a node that dies mid-check holds it until the lease lapses.
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

    /** Runs one check of a pipeline's custom type now (a failure is returned, not thrown). */
    @FunctionalInterface
    public interface TypeCheck {
        CheckOutcome run(Pipeline pipeline, PipelineResourceType type);
    }

    private final Storage storage;
    private final EngineClock clock;
    private final Executor executor;
    private final Check check;
    private final TypeCheck typeCheck;
    private final EngineActivity activity;
    private final NodeLeases leases;
    private final Map<Long, Slot> slots = new HashMap<>();
    /** Per shared history: when a check of it last succeeded, as far as this scheduler knows. */
    private Map<Long, Instant> scopeChecked = new HashMap<>();
    /** Per history: the resource whose periodic check of it runs now. */
    private final Map<Long, Long> runningScopes = new HashMap<>();
    /** Per history: the resources due while a check of it ran, re-armed when it ends. */
    private final Map<Long, Set<Long>> waiting = new HashMap<>();
    private EngineClock.Scheduled rescanTimer;
    private boolean started;
    private boolean closed;

    /**
     * @param activity counts checks that are due now or running as work in flight (a check due
     *                 later is not)
     * @param leases   this node's leases, under which periodic checks run
     */
    public CheckScheduler(Storage storage, EngineClock clock, Executor executor, Check check, TypeCheck typeCheck,
            EngineActivity activity, NodeLeases leases) {
        this.leases = Objects.requireNonNull(leases, "leases");
        this.typeCheck = Objects.requireNonNull(typeCheck, "typeCheck");
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
            List<Map.Entry<Pipeline, List<Resource>>> active = new ArrayList<>();
            Map<Long, Instant> checked = new HashMap<>();
            for (Team team : storage.teams().list()) {
                for (Pipeline pipeline : storage.pipelines().list(team.name())) {
                    List<Resource> resources = storage.pipelines().resources(pipeline.id());
                    for (Resource r : resources) {
                        if (r.scopeId() != 0 && r.lastChecked() != null && r.checkError() == null) {
                            checked.merge(r.scopeId(), r.lastChecked(), CheckScheduler::later);
                        }
                    }
                    if (!pipeline.paused() && !pipeline.archived()) {
                        active.add(Map.entry(pipeline, resources));
                    }
                }
            }
            synchronized (this) {
                checked.forEach((scope, at) -> scopeChecked.merge(scope, at, CheckScheduler::later));
                scopeChecked.keySet().retainAll(checked.keySet());
            }
            for (var entry : active) {
                Pipeline pipeline = entry.getKey();
                Set<String> triggers = triggerInputs(pipeline);
                for (Resource resource : entry.getValue()) {
                    dueAt(pipeline, resource, triggers).ifPresent(at -> due.put(resource.id(), at));
                }
                Set<String> used = usedTypes(pipeline);
                for (PipelineResourceType type : storage.pipelines().resourceTypes(pipeline.id())) {
                    dueAt(type, used).ifPresent(at -> due.put(type.id(), at));
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
                    if (storage.pipelines().resource(entry.getKey()).isEmpty()
                            && storage.pipelines().resourceType(entry.getKey()).isEmpty()) {
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
        Optional<Target> target = target(resourceId);
        if (target.isEmpty()) {
            return false;
        }
        Optional<Instant> due = target.get().due();
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
            long scope = target.get().scopeId();
            if (scope != 0 && runningScopes.containsKey(scope)) {
                // Its history is being checked for another resource: that check counts for this one.
                waiting.computeIfAbsent(scope, k -> new HashSet<>()).add(resourceId);
                return false;
            }
            if (scope != 0) {
                runningScopes.put(scope, resourceId);
            }
            slot.running = true;
        }
        try {
            executor.execute(() -> {
                try {
                    run(slot, resourceId, target.get());
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

    private void run(Slot slot, long resourceId, Target target) {
        boolean failed;
        Set<Long> waited = Set.of();
        List<NodeLeases.Held> held;
        try {
            held = acquire(target.leaseNames(resourceId));
            if (held.isEmpty()) {
                // Another node checks it now.
                synchronized (this) {
                    slot.running = false;
                    if (target.scopeId() != 0) {
                        runningScopes.remove(target.scopeId());
                        Set<Long> w = waiting.remove(target.scopeId());
                        waited = w == null ? Set.of() : w;
                    }
                    if (!closed) {
                        arm(slot, resourceId, clock.now().plus(RESCAN));
                    }
                }
                waited.forEach(this::rearm);
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("the periodic check of {} could not take its lease; trying again at the next rescan: {}",
                    target.describe(), e.toString());
            synchronized (this) {
                slot.running = false;
                if (target.scopeId() != 0) {
                    runningScopes.remove(target.scopeId());
                    waiting.remove(target.scopeId());
                }
            }
            return;
        }
        try {
            CheckOutcome outcome = target.check().get();
            failed = !outcome.succeeded();
            if (!failed && outcome.scopeId() != 0 && target.isResource()) {
                synchronized (this) {
                    scopeChecked.merge(outcome.scopeId(), outcome.finished(), CheckScheduler::later);
                }
            }
        } catch (ResourceCancelledException e) {
            return;
        } catch (RuntimeException e) {
            LOG.warn("the periodic check of {} failed unexpectedly", target.describe(), e);
            failed = true;
        } finally {
            held.forEach(NodeLeases.Held::release);
            synchronized (this) {
                slot.running = false;
                if (target.scopeId() != 0) {
                    runningScopes.remove(target.scopeId());
                    Set<Long> w = waiting.remove(target.scopeId());
                    waited = w == null ? Set.of() : w;
                }
            }
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            slot.failures = failed ? slot.failures + 1 : 0;
        }
        rearm(resourceId);
        waited.forEach(this::rearm);
    }

    /** All of these leases, or none (empty) if another node holds one of them. */
    private List<NodeLeases.Held> acquire(List<String> names) {
        List<NodeLeases.Held> held = new ArrayList<>();
        try {
            for (String name : names) {
                Optional<NodeLeases.Held> lease = leases.acquire(name, () -> { });
                if (lease.isEmpty()) {
                    held.forEach(NodeLeases.Held::release);
                    return List.of();
                }
                held.add(lease.get());
            }
            return held;
        } catch (RuntimeException e) {
            held.forEach(NodeLeases.Held::release);
            throw e;
        }
    }

    /** Arms the timer of a resource or type for its next due time, if it has one. */
    private void rearm(long id) {
        Optional<Instant> next = target(id).flatMap(Target::due);
        synchronized (this) {
            Slot slot = slots.get(id);
            if (slot != null) {
                next.ifPresent(d -> arm(slot, id, d));
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * A resource or custom type to check: when it is due and how to check it; empty when it is
     * gone or its pipeline is paused or archived.
     */
    private record Target(Optional<Instant> due, long scopeId, boolean isResource, Supplier<CheckOutcome> check,
            String describe) {
        /**
         * The leases a periodic check of it runs under: its own (which it has before its first
         * check gives it a history, so two nodes' first checks exclude each other too) and its
         * shared history's, if it has one.
         */
        List<String> leaseNames(long id) {
            String own = (isResource ? "check:resource:" : "check:type:") + id;
            return scopeId == 0 ? List.of(own) : List.of(own, "check:scope:" + scopeId);
        }
    }

    private Optional<Target> target(long id) {
        Optional<Resource> resource = storage.pipelines().resource(id);
        if (resource.isPresent()) {
            return active(resource.get().ref().pipeline()).map(p -> new Target(
                    dueAt(p, resource.get(), triggerInputs(p)), resource.get().scopeId(), true,
                    () -> check.run(p, resource.get()),
                    ResourceChecker.describe(p, resource.get())));
        }
        Optional<PipelineResourceType> type = storage.pipelines().resourceType(id);
        return type.flatMap(t -> active(t.pipeline()).map(p -> new Target(dueAt(t, usedTypes(p)), 0, false,
                () -> typeCheck.run(p, t), ResourceChecker.describe(p, t))));
    }

    private Optional<Pipeline> active(PipelineRef ref) {
        return storage.pipelines().find(ref).filter(p -> !p.paused() && !p.archived());
    }

    /** When the resource's next check is due, empty if it is not checked periodically. */
    private Optional<Instant> dueAt(Pipeline pipeline, Resource resource, Set<String> triggers) {
        Optional<Duration> interval = interval(resource.config().checkEvery(),
                () -> ResourceChecker.describe(pipeline, resource));
        if (interval.isEmpty()) {
            return Optional.empty();
        }
        boolean failed = resource.checkError() != null;
        boolean matters = triggers.contains(resource.ref().name()) || resource.lastChecked() == null || failed
                || resource.scopeId() == 0 || storage.versions().latest(resource.scopeId()).isEmpty();
        if (!matters) {
            return Optional.empty();
        }
        Instant last = resource.lastChecked();
        Instant shared;
        synchronized (this) {
            shared = resource.scopeId() == 0 ? null : scopeChecked.get(resource.scopeId());
        }
        if (last != null && shared != null && shared.isAfter(last)) {
            // Another resource of its history was checked since, successfully: that counts as its check.
            last = shared;
            failed = false;
        }
        return dueAt(resource.id(), interval.get(), last, failed);
    }

    /** When the custom type's next check is due, empty if it is not checked periodically. */
    private Optional<Instant> dueAt(PipelineResourceType type, Set<String> used) {
        if (!used.contains(type.name())) {
            return Optional.empty();
        }
        return interval(type.config().checkEvery(), () -> "resource type '" + type.name() + "' of pipeline '"
                + type.pipeline() + "'").flatMap(i -> dueAt(type.id(), i, type.lastChecked(), type.checkError() != null));
    }

    private Optional<Instant> dueAt(long id, Duration interval, Instant lastChecked, boolean failed) {
        if (lastChecked == null) {
            return Optional.of(clock.now());
        }
        Duration wait = failed ? backoff(interval, failures(id)) : interval;
        return Optional.of(lastChecked.plus(wait));
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

    private static Optional<Duration> interval(String every, Supplier<String> describe) {
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
            LOG.warn("{} has an invalid check_every '{}', using {}: {}", describe.get(),
                    every, DEFAULT_INTERVAL_TEXT, e.getMessage());
            return Optional.of(DEFAULT_INTERVAL);
        }
    }

    /** The resources some job of the pipeline gets with {@code trigger: true}. */
    static Set<String> triggerInputs(Pipeline pipeline) {
        Set<String> names = new HashSet<>();
        for (JobConfig job : pipeline.config().jobs()) {
            walk(job.asStep(), step -> {
                if (step instanceof GetStep get && get.trigger()) {
                    names.add(get.resourceName());
                }
            });
        }
        return names;
    }

    /**
     * The custom types that matter: those of the resources some job of the pipeline gets or puts,
     * and the custom types their images come from, down to a base type.
     */
    static Set<String> usedTypes(Pipeline pipeline) {
        Set<String> resources = new HashSet<>();
        for (JobConfig job : pipeline.config().jobs()) {
            walk(job.asStep(), step -> {
                switch (step) {
                    case GetStep get -> resources.add(get.resourceName());
                    case PutStep put -> resources.add(put.resourceName());
                    default -> {
                    }
                }
            });
        }
        List<ResourceTypeConfig> types = pipeline.config().resourceTypes();
        Set<String> used = new HashSet<>();
        pipeline.config().resources().stream().filter(r -> resources.contains(r.name())).forEach(r -> {
            // As ResourceTypeChain resolves it: each custom type's image comes from the remaining types.
            List<ResourceTypeConfig> remaining = new ArrayList<>(types);
            String current = r.type();
            while (true) {
                String name = current;
                Optional<ResourceTypeConfig> custom = remaining.stream().filter(t -> t.name().equals(name)).findFirst();
                if (custom.isEmpty()) {
                    break;
                }
                used.add(name);
                remaining.remove(custom.get());
                current = custom.get().type();
            }
        });
        return used;
    }

    private static void walk(Step step, Consumer<Step> visit) {
        visit.accept(step);
        switch (step) {
            case DoStep s -> s.steps().forEach(sub -> walk(sub, visit));
            case InParallelStep s -> s.steps().forEach(sub -> walk(sub, visit));
            case TryStep s -> walk(s.step(), visit);
            case AcrossStep s -> walk(s.step(), visit);
            case RetryStep s -> walk(s.step(), visit);
            case TimeoutStep s -> walk(s.step(), visit);
            case HookStep s -> {
                walk(s.step(), visit);
                walk(s.hook(), visit);
            }
            default -> {
            }
        }
    }

    /** A resource's or type's timer and retry state; guarded by the scheduler. */
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
