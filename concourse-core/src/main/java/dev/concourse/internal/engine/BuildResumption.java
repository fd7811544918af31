package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.Job;
import dev.concourse.event.BuildEvent;
import dev.concourse.internal.event.EventJson;
import dev.concourse.internal.exec.BuildPlanner;
import dev.concourse.internal.exec.PlannedStep;
import dev.concourse.internal.exec.ResumedSteps;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides, when a node takes over a started build from a stopped node, whether the build can be
 * resumed, and gathers what resuming needs. As Concourse, the taking node replays the build's
 * whole plan: a step that finished is not run again (its outcome is the one its {@code finish-*}
 * event recorded, its volumes are the ones it left, which builds another node may take over keep
 * until they end), and a step that was running re-attaches to its container's process. A build is
 * resumed when:
 *
 * <ul>
 *   <li>the runtime re-attaches to processes another instance started
 *       ({@link ContainerRuntime#reattachesAcrossInstances()});
 *   <li>it is a job build whose job's plan is still the one the build started with, and whose stored
 *       inputs are all still known (the replay is given them);
 *   <li>its log holds only the events of task, get and put steps of the plan (not inside an
 *       {@code across}; no {@code set_pipeline} or {@code load_var} got past its start), status and
 *       log lines, and no step ended with an {@code error} event;
 *   <li>every such step that started and did not finish has its container on this node's workers
 *       (a task's, a get's or a put's, by build and plan id), and no step has more than one.
 * </ul>
 *
 * What the replay then misses (a kept volume gone) makes the step that needs it error, naming it.
 */
final class BuildResumption {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PLAN_ID_PROPERTY = "concourse:plan-id";
    private static final String TYPE_PROPERTY = "concourse:type";
    /** Events of the build or of any step that a replay may follow. */
    private static final Set<String> ANY_STEP = Set.of("status", "log", "selected-worker", "waiting-for-worker");
    /** The events of task, get and put steps, with the step kind their container has. */
    private static final Map<String, String> STEP_EVENTS = Map.of(
            "initialize-task", "task", "start-task", "task", "finish-task", "task",
            "initialize-get", "get", "start-get", "get", "finish-get", "get",
            "initialize-put", "put", "start-put", "put", "finish-put", "put");
    private static final int PAGE = 1000;

    sealed interface Outcome permits Resumable, NotResumable {
    }

    /**
     * What resuming needs: the job, its plan, the build's inputs, the containers of the steps that
     * were running (to re-attach to) and what they are, and the outcomes of the steps that finished.
     */
    record Resumable(Job job, PlannedStep planned, Map<String, Version> inputs, Map<String, Container> containers,
            List<String> running, Map<String, ResumedSteps.Finished> finished) implements Outcome {
        String describe() {
            String described = running.isEmpty()
                    ? "no step had a running process to re-attach to"
                    : String.join(", ", running) + " re-attached to the process(es) already running";
            return finished.isEmpty() ? described
                    : described + "; " + finished.size() + " finished step(s) taken over as finished, not run again";
        }
    }

    record NotResumable(String why) implements Outcome {
    }

    private final Storage storage;
    private final ContainerRuntime runtime;

    BuildResumption(Storage storage, ContainerRuntime runtime) {
        this.storage = storage;
        this.runtime = runtime;
    }

    Outcome check(Build build) {
        if (!runtime.reattachesAcrossInstances()) {
            return new NotResumable("runtime '" + runtime.id() + "' cannot re-attach to processes another engine"
                    + " instance started");
        }
        if (build.isOneOff() || build.pipeline() == null) {
            return new NotResumable("it is a one-off build, whose uploaded inputs went with the node that ran it");
        }
        Optional<Job> job = storage.pipelines().job(build.pipeline().job(build.job()));
        if (job.isEmpty()) {
            return new NotResumable("its job '" + build.job() + "' no longer exists");
        }
        PlannedStep planned = BuildPlanner.plan(job.get().config().asStep(), job.get().config().tags());
        Optional<String> stored = storage.builds().plan(build.id());
        if (stored.isEmpty() || !sameJson(stored.get(), JSON.writeValueAsString(BuildPlanner.describe(planned)))) {
            return new NotResumable("its job's plan changed since the build started");
        }
        Map<String, Version> inputs = new LinkedHashMap<>();
        for (BuildInput input : storage.builds().inputs(build.id())) {
            Optional<Version> version = storage.versions().version(input.versionId());
            if (version.isEmpty()) {
                return new NotResumable("the version of its input '" + input.name() + "' is gone");
            }
            inputs.put(input.name(), version.get());
        }
        Map<String, String> steps = planned.containerSteps();
        Set<String> started = new LinkedHashSet<>();
        Map<String, ResumedSteps.Finished> finished = new LinkedHashMap<>();
        long from = 1;
        while (true) {
            List<StoredEvent> events = storage.events().read(build.id(), from, PAGE);
            for (StoredEvent event : events) {
                from = event.sequence() + 1;
                String why = read(event, steps, started, finished);
                if (why != null) {
                    return new NotResumable(why);
                }
            }
            if (events.size() < PAGE) {
                break;
            }
        }
        return withContainers(build, job.get(), planned, inputs, steps, started, finished);
    }

    /** Notes what {@code event} says of its step; returns why the build cannot be resumed, or null. */
    private static String read(StoredEvent event, Map<String, String> steps, Set<String> started,
            Map<String, ResumedSteps.Finished> finished) {
        String type = event.type();
        if (ANY_STEP.contains(type)) {
            return null;
        }
        if (!STEP_EVENTS.containsKey(type)) {
            return "its log has a '" + type + "' event (sequence " + event.sequence() + "), and the engine resumes"
                    + " builds only past task, get and put steps (a set_pipeline or load_var step that got past its"
                    + " start, a step inside an 'across' or one that errored is not replayed)";
        }
        BuildEvent decoded = EventJson.decode(event.json());
        String planId = switch (decoded) {
            case BuildEvent.InitializeTask e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.StartTask e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.FinishTask e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.InitializeGet e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.StartGet e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.FinishGet e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.InitializePut e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.StartPut e -> e.origin() == null ? null : e.origin().id();
            case BuildEvent.FinishPut e -> e.origin() == null ? null : e.origin().id();
            default -> null;
        };
        if (planId == null || !steps.containsKey(planId)) {
            return "its log has a '" + type + "' event (sequence " + event.sequence() + ") of a step that is not one"
                    + " of its plan's task, get and put steps (a step inside an 'across' is not replayed)";
        }
        if (finished.containsKey(planId)) {
            return "its " + steps.get(planId) + " has a '" + type + "' event after it finished";
        }
        ResumedSteps.Finished outcome = switch (decoded) {
            case BuildEvent.FinishTask e -> new ResumedSteps.FinishedTask(e.exitStatus());
            case BuildEvent.FinishGet e -> new ResumedSteps.FinishedGet(e.exitStatus(), e.fetchedVersion(),
                    e.metadata());
            case BuildEvent.FinishPut e -> new ResumedSteps.FinishedPut(e.exitStatus(), e.createdVersion(),
                    e.metadata());
            default -> null;
        };
        if (outcome != null) {
            started.remove(planId);
            finished.put(planId, outcome);
        } else if (type.startsWith("start-")) {
            started.add(planId);
        }
        return null;
    }

    /**
     * Finds the containers of the build on this node's workers: those of the steps that did not
     * finish are re-attached to; every started step that did not finish needs one.
     */
    private Outcome withContainers(Build build, Job job, PlannedStep planned, Map<String, Version> inputs,
            Map<String, String> steps, Set<String> started, Map<String, ResumedSteps.Finished> finished) {
        Map<String, Container> containers = new LinkedHashMap<>();
        List<String> running = new ArrayList<>();
        String id = Long.toString(build.id());
        for (Worker worker : runtime.workers()) {
            for (Container container : worker.containers()) {
                Map<String, String> properties = container.properties();
                if (!id.equals(properties.get(BuildContainers.BUILD_ID_PROPERTY))) {
                    continue;
                }
                String planId = properties.get(PLAN_ID_PROPERTY);
                if (finished.containsKey(planId)) {
                    continue;
                }
                String kind = properties.get(TYPE_PROPERTY);
                String step = planId == null ? null : steps.get(planId);
                if (step == null || !step.startsWith(kind + " ")) {
                    return new NotResumable("its container " + container.handle() + " on worker "
                            + worker.info().name() + " (a '" + kind + "' container of plan id " + planId + ") belongs"
                            + " to none of its plan's task, get and put steps");
                }
                if (containers.containsKey(planId)) {
                    return new NotResumable("its " + step + " has two containers (" + containers.get(planId).handle()
                            + " and " + container.handle() + ")");
                }
                containers.put(planId, container);
                running.add(step + " (container " + container.handle() + " on worker " + worker.info().name() + ")");
            }
        }
        for (String planId : started) {
            if (!containers.containsKey(planId)) {
                return new NotResumable("its " + steps.get(planId) + " was running, and its container was not found on"
                        + " this node's workers (a native resource type's get or put runs inside the engine node,"
                        + " and stopped with it)");
            }
        }
        return new Resumable(job, planned, inputs, containers, List.copyOf(running), finished);
    }

    private static boolean sameJson(String a, String b) {
        return JSON.readTree(a).equals(JSON.readTree(b));
    }
}
