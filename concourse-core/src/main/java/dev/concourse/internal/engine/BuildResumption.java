package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.Job;
import dev.concourse.internal.exec.BuildPlanner;
import dev.concourse.internal.exec.PlannedStep;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides, when a node takes over a started build from a stopped node, whether the build can be
 * resumed, and gathers what resuming needs. Concourse replays a taken-over build's whole plan and
 * relies on every step being idempotent (containers found by owner, {@code attachOrRun}, cached
 * get and put results). This engine destroys a step's container when the step ends and keeps no
 * get or put results, so it resumes only what it can replay without running anything twice:
 *
 * <ul>
 *   <li>the runtime re-attaches to processes another instance started
 *       ({@link ContainerRuntime#reattachesAcrossInstances()});
 *   <li>a job build whose job's plan is still the one the build started with, and whose stored
 *       inputs are all still known;
 *   <li>no step finished or errored yet, and no {@code put} started (its log shows only the start
 *       of steps, their output and their worker);
 *   <li>every container of the build on this node's workers is a task's ({@code concourse:type}
 *       {@code task}, with a {@code concourse:plan-id}), and every task whose {@code start-task}
 *       is in the log has one: those tasks re-attach, the steps without a container start.
 * </ul>
 */
final class BuildResumption {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String PLAN_ID_PROPERTY = "concourse:plan-id";
    private static final String TYPE_PROPERTY = "concourse:type";
    private static final String STEP_NAME_PROPERTY = "concourse:step-name";
    /** Events that only say a step began, or what it printed: a replay may follow them. */
    private static final Set<String> BEFORE_ANY_END = Set.of("status", "log", "initialize-task", "start-task",
            "selected-worker", "waiting-for-worker", "initialize-get", "start-get");
    private static final int PAGE = 1000;

    sealed interface Outcome permits Resumable, NotResumable {
    }

    /** What resuming needs: the job, its plan, the build's inputs and the task containers to re-attach to. */
    record Resumable(Job job, PlannedStep planned, Map<String, Version> inputs, Map<String, Container> containers,
            List<String> tasks) implements Outcome {
        String describe() {
            return tasks.isEmpty()
                    ? "no step had a running process to re-attach to"
                    : String.join(", ", tasks) + " re-attached to the process(es) already running";
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
        Set<String> startedTasks = new LinkedHashSet<>();
        long from = 1;
        while (true) {
            List<StoredEvent> events = storage.events().read(build.id(), from, PAGE);
            for (StoredEvent event : events) {
                if (!BEFORE_ANY_END.contains(event.type())) {
                    return new NotResumable("a step of it got past its start already (its log has a '"
                            + event.type() + "' event), and the engine resumes only builds whose steps all are"
                            + " still starting or running tasks");
                }
                if (event.type().equals("start-task")) {
                    JsonNode origin = JSON.readTree(event.json()).path("data").path("origin").path("id");
                    if (!origin.isMissingNode()) {
                        startedTasks.add(origin.asString());
                    }
                }
                from = event.sequence() + 1;
            }
            if (events.size() < PAGE) {
                break;
            }
        }
        Map<String, Container> containers = new LinkedHashMap<>();
        List<String> tasks = new ArrayList<>();
        String id = Long.toString(build.id());
        for (Worker worker : runtime.workers()) {
            for (Container container : worker.containers()) {
                Map<String, String> properties = container.properties();
                if (!id.equals(properties.get(BuildTakeover.BUILD_ID_PROPERTY))) {
                    continue;
                }
                String planId = properties.get(PLAN_ID_PROPERTY);
                if (!"task".equals(properties.get(TYPE_PROPERTY)) || planId == null) {
                    return new NotResumable("its container " + container.handle() + " on worker "
                            + worker.info().name() + " is a '" + properties.get(TYPE_PROPERTY) + "' step's, which"
                            + " would run again");
                }
                containers.put(planId, container);
                tasks.add("task '" + properties.getOrDefault(STEP_NAME_PROPERTY, planId) + "' (container "
                        + container.handle() + " on worker " + worker.info().name() + ")");
            }
        }
        for (String planId : startedTasks) {
            if (!containers.containsKey(planId)) {
                return new NotResumable("the container of its started task step " + planId + " was not found on"
                        + " this node's workers");
            }
        }
        return new Resumable(job.get(), planned, inputs, containers, tasks);
    }

    private static boolean sameJson(String a, String b) {
        return JSON.readTree(a).equals(JSON.readTree(b));
    }
}
