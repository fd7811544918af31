package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.Job;
import dev.concourse.event.BuildEvent;
import dev.concourse.internal.event.EventJson;
import dev.concourse.internal.exec.BuildPlanner;
import dev.concourse.internal.exec.PlannedStep;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Volume;
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
 *   <li>the only steps that finished are {@code get} steps of the plan (not a put's implicit get)
 *       that succeeded and fetched the version stored as the build's input of that name: the replay
 *       fetches that very version again (the build is given its stored inputs), idempotent, and a
 *       log line at the step says it is fetched again after the takeover;
 *   <li>nothing else finished or errored yet, no {@code get} is still fetching (a {@code start-get}
 *       without its {@code finish-get}), and no {@code put} started: the rest of the log shows only
 *       the start of steps, their output and their worker;
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

    /**
     * What resuming needs: the job, its plan, the build's inputs, the task containers to re-attach
     * to, the finished gets fetched again (a log line by plan id) and their volumes from the stopped
     * node (mounted by the running tasks; destroyed when the build ends).
     */
    record Resumable(Job job, PlannedStep planned, Map<String, Version> inputs, Map<String, Container> containers,
            List<String> tasks, Map<String, String> refetched, List<Volume> staleVolumes) implements Outcome {
        String describe() {
            String described = tasks.isEmpty()
                    ? "no step had a running process to re-attach to"
                    : String.join(", ", tasks) + " re-attached to the process(es) already running";
            return refetched.isEmpty() ? described
                    : described + "; " + refetched.size() + " finished get step(s) fetched again";
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
        Map<String, String> gets = planned.explicitGets();
        Set<String> startedTasks = new LinkedHashSet<>();
        Map<String, String> runningGets = new LinkedHashMap<>();
        Map<String, String> refetched = new LinkedHashMap<>();
        long from = 1;
        while (true) {
            List<StoredEvent> events = storage.events().read(build.id(), from, PAGE);
            for (StoredEvent event : events) {
                from = event.sequence() + 1;
                if (BEFORE_ANY_END.contains(event.type())) {
                    if (event.type().equals("start-task") || event.type().equals("start-get")) {
                        JsonNode origin = JSON.readTree(event.json()).path("data").path("origin").path("id");
                        if (!origin.isMissingNode()) {
                            if (event.type().equals("start-task")) {
                                startedTasks.add(origin.asString());
                            } else {
                                runningGets.put(origin.asString(), gets.getOrDefault(origin.asString(),
                                        origin.asString()));
                            }
                        }
                    }
                    continue;
                }
                if (!event.type().equals("finish-get")) {
                    return new NotResumable("a step of it got past its start already (its log has a '"
                            + event.type() + "' event), and the engine resumes only builds whose finished steps are"
                            + " all gets of the build's inputs and whose other steps are still starting or running"
                            + " tasks");
                }
                String why = finishedGet(event, gets, inputs, runningGets, refetched);
                if (why != null) {
                    return new NotResumable(why);
                }
            }
            if (events.size() < PAGE) {
                break;
            }
        }
        if (!runningGets.isEmpty()) {
            return new NotResumable("its get step(s) '" + String.join("', '", runningGets.values()) + "' were"
                    + " fetching when the node stopped, and a get is resumed only once it finished");
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
        List<Volume> staleVolumes = new ArrayList<>();
        for (Worker worker : runtime.workers()) {
            for (Volume volume : worker.volumes()) {
                if (id.equals(volume.properties().get(BuildTakeover.BUILD_ID_PROPERTY))
                        && refetched.containsKey(volume.properties().get(PLAN_ID_PROPERTY))) {
                    staleVolumes.add(volume);
                }
            }
        }
        return new Resumable(job.get(), planned, inputs, containers, tasks, refetched,
                List.copyOf(staleVolumes));
    }

    /**
     * Checks a {@code finish-get} event: the get must have succeeded, be an explicit get of the plan
     * named as one of the build's stored inputs, and have fetched the version stored for that input,
     * which the replay fetches again. Returns why not, or null (and notes the get as refetched).
     */
    private static String finishedGet(StoredEvent event, Map<String, String> gets, Map<String, Version> inputs,
            Map<String, String> runningGets, Map<String, String> refetched) {
        if (!(EventJson.decode(event.json()) instanceof BuildEvent.FinishGet finish) || finish.origin() == null) {
            return "its log has a 'finish-get' event (sequence " + event.sequence() + ") without the step it"
                    + " belongs to";
        }
        String planId = finish.origin().id();
        runningGets.remove(planId);
        String name = gets.get(planId);
        if (name == null) {
            return "its get step " + planId + " finished, and it is not one of the plan's own gets (it is a put's"
                    + " implicit get, or a step of an 'across'), whose version the build did not store";
        }
        if (finish.exitStatus() != 0) {
            return "its get step '" + name + "' finished with exit status " + finish.exitStatus();
        }
        Version stored = inputs.get(name);
        if (stored == null) {
            return "its get step '" + name + "' finished, and the build has no stored input '" + name
                    + "' that a replay would fetch again";
        }
        if (!stored.equals(finish.fetchedVersion())) {
            return "its get step '" + name + "' fetched version " + finish.fetchedVersion() + ", not the build's"
                    + " stored input version " + stored;
        }
        refetched.put(planId, "get step '" + name + "' finished before the takeover (version " + stored + "); it"
                + " is fetched again, the same version (the build's stored input), as the plan replays, so its"
                + " events appear twice");
        return null;
    }

    private static boolean sameJson(String a, String b) {
        return JSON.readTree(a).equals(JSON.readTree(b));
    }
}
