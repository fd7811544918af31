package dev.concourse.testkit;

import dev.concourse.Build;
import dev.concourse.BuildPlan;
import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A build of a pipeline under test, as it stood when the harness read it: its status, plan and
 * events, and what they say: the steps that ran in order, the inputs it fetched, the hooks that
 * fired, its log. Assert on it with {@link PipelineAssertions#assertThat(BuildTrace)}.
 *
 * <p>Immutable: read it again ({@link JobUnderTest#lastBuild()}) after the engine ran more.
 */
public final class BuildTrace {
    private final Build build;
    private final BuildPlan plan;
    private final List<SequencedEvent> events;
    private final Snapshots snapshots;
    private final Map<String, BuildPlan> nodes = new LinkedHashMap<>();
    private final Map<String, List<BuildEvent>> byOrigin = new LinkedHashMap<>();

    BuildTrace(Build build, BuildPlan plan, List<SequencedEvent> events, Snapshots snapshots) {
        this.build = build;
        this.plan = plan;
        this.events = List.copyOf(events);
        this.snapshots = snapshots;
        if (plan != null) {
            index(plan);
        }
        for (SequencedEvent e : this.events) {
            if (e.event() instanceof BuildEvent.AcrossSubsteps across) {
                across.substeps().forEach(s -> index(s.step()));
            }
            origin(e.event()).ifPresent(o -> byOrigin.computeIfAbsent(o.id(), k -> new ArrayList<>()).add(e.event()));
        }
    }

    private void index(BuildPlan node) {
        nodes.put(node.id(), node);
        node.children().forEach(this::index);
    }

    public Build build() {
        return build;
    }

    public BuildStatus status() {
        return build.status();
    }

    /** {@code main/ci/unit #1}. */
    public String describe() {
        return build.describe();
    }

    /** The plan it ran, empty for a build that never started. */
    public Optional<BuildPlan> plan() {
        return Optional.ofNullable(plan);
    }

    /** Every event, in order. */
    public List<SequencedEvent> events() {
        return events;
    }

    /** The named steps that ran (that emitted any event), in the order they began. */
    public List<StepTrace> steps() {
        List<StepTrace> steps = new ArrayList<>();
        for (String id : byOrigin.keySet()) {
            BuildPlan node = nodes.get(id);
            if (node != null && node.name() != null) {
                steps.add(step(node));
            }
        }
        return steps;
    }

    /** The first step of that name that ran. */
    public Optional<StepTrace> step(String name) {
        return steps().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The versions its {@code get} steps fetched, by step name (the first fetch of each name). */
    public Map<String, Version> inputs() {
        Map<String, Version> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, List<BuildEvent>> entry : byOrigin.entrySet()) {
            BuildPlan node = nodes.get(entry.getKey());
            if (node == null || !"get".equals(node.kind())) {
                continue;
            }
            for (BuildEvent e : entry.getValue()) {
                if (e instanceof BuildEvent.FinishGet get && get.exitStatus() == 0 && get.fetchedVersion() != null) {
                    inputs.putIfAbsent(node.name(), get.fetchedVersion());
                }
            }
        }
        return inputs;
    }

    /**
     * The hooks whose step ran, as {@code on_failure}, {@code ensure}... once per kind, in the order
     * they first fired; a put's implicit get counts as an {@code on_success}.
     */
    public List<String> hooksFired() {
        Set<String> fired = new LinkedHashSet<>();
        List<String[]> ordered = new ArrayList<>();
        for (BuildPlan node : nodes.values()) {
            if (isHook(node) && node.children().size() == 2 && ran(node.children().get(1))) {
                ordered.add(new String[] {Long.toString(firstEvent(node.children().get(1))), node.kind()});
            }
        }
        ordered.sort((a, b) -> Long.compare(Long.parseLong(a[0]), Long.parseLong(b[0])));
        ordered.forEach(h -> fired.add(h[1]));
        return List.copyOf(fired);
    }

    /** Everything the build printed, and its error messages, in order. */
    public String log() {
        StringBuilder log = new StringBuilder();
        for (SequencedEvent e : events) {
            switch (e.event()) {
                case BuildEvent.Log l -> log.append(l.payload());
                case BuildEvent.Error err -> {
                    if (!log.isEmpty() && log.charAt(log.length() - 1) != '\n') {
                        log.append('\n');
                    }
                    log.append(err.message()).append('\n');
                }
                default -> {
                }
            }
        }
        return log.toString();
    }

    /** The last {@code lines} lines of {@link #log()}. */
    public String logTail(int lines) {
        String[] all = log().split("\n", -1);
        int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
        int start = Math.max(0, end - lines);
        return String.join("\n", java.util.Arrays.asList(all).subList(start, end));
    }

    /**
     * Its step tree: each step of the plan with how it ended ("not run" for steps that did not
     * run), indented under {@code in_parallel}, {@code try}, hooks and the like. Free of ids, times
     * and build numbers, so the same run gives the same text: what snapshots compare.
     */
    public String stepTree() {
        StringBuilder out = new StringBuilder();
        out.append(build.job() == null ? "one-off build" : "job " + build.job()).append(": ")
                .append(build.status().wireName()).append('\n');
        if (plan != null) {
            render(plan, 1, out);
        }
        return out.toString();
    }

    Snapshots snapshots() {
        return snapshots;
    }

    private void render(BuildPlan node, int depth, StringBuilder out) {
        String indent = "  ".repeat(depth);
        if (node.name() != null) {
            out.append(indent).append(ran(node) ? step(node).describe() : node.kind() + " " + node.name() + ": not run")
                    .append('\n');
            return;
        }
        switch (node.kind()) {
            case "do", "timeout" -> node.children().forEach(c -> render(c, depth, out));
            case "across" -> {
                out.append(indent).append("across:\n");
                List<BuildEvent.AcrossSubsteps.Substep> substeps = substepsWithValues(node);
                if (substeps.isEmpty()) {
                    node.children().forEach(c -> render(c, depth + 1, out));
                }
                for (BuildEvent.AcrossSubsteps.Substep substep : substeps) {
                    out.append(indent).append("  ").append(substep.values()).append(":\n");
                    render(substep.step(), depth + 2, out);
                }
            }
            default -> {
                if (isHook(node) && node.children().size() == 2) {
                    render(node.children().get(0), depth, out);
                    if (ran(node.children().get(1))) {
                        out.append(indent).append(node.kind()).append(":\n");
                        render(node.children().get(1), depth + 1, out);
                    }
                } else {
                    out.append(indent).append(node.kind()).append(":\n");
                    for (BuildPlan child : node.children()) {
                        if (!"retry".equals(node.kind()) || ran(child)) {
                            render(child, depth + 1, out);
                        }
                    }
                }
            }
        }
    }

    private List<BuildPlan> substeps(BuildPlan across) {
        return substepsWithValues(across).stream().map(BuildEvent.AcrossSubsteps.Substep::step).toList();
    }

    private List<BuildEvent.AcrossSubsteps.Substep> substepsWithValues(BuildPlan across) {
        List<BuildEvent.AcrossSubsteps.Substep> substeps = new ArrayList<>();
        for (BuildEvent e : byOrigin.getOrDefault(across.id(), List.of())) {
            if (e instanceof BuildEvent.AcrossSubsteps s) {
                substeps.addAll(s.substeps());
            }
        }
        return substeps;
    }

    private static boolean isHook(BuildPlan node) {
        return switch (node.kind()) {
            case "on_success", "on_failure", "on_error", "on_abort", "ensure" -> true;
            default -> false;
        };
    }

    private boolean ran(BuildPlan node) {
        if (byOrigin.containsKey(node.id())) {
            return true;
        }
        for (BuildPlan child : node.children()) {
            if (ran(child)) {
                return true;
            }
        }
        return "across".equals(node.kind()) && substeps(node).stream().anyMatch(this::ran);
    }

    private long firstEvent(BuildPlan node) {
        long first = Long.MAX_VALUE;
        for (SequencedEvent e : events) {
            Optional<Origin> o = origin(e.event());
            if (o.isPresent() && within(node, o.get().id())) {
                return e.sequence();
            }
        }
        return first;
    }

    private boolean within(BuildPlan node, String id) {
        if (node.id().equals(id)) {
            return true;
        }
        for (BuildPlan child : node.children()) {
            if (within(child, id)) {
                return true;
            }
        }
        return "across".equals(node.kind()) && substeps(node).stream().anyMatch(s -> within(s, id));
    }

    private StepTrace step(BuildPlan node) {
        List<BuildEvent> own = byOrigin.getOrDefault(node.id(), List.of());
        StringBuilder log = new StringBuilder();
        String outcome = "started";
        String detail = "";
        for (BuildEvent e : own) {
            switch (e) {
                case BuildEvent.Log l -> log.append(l.payload());
                case BuildEvent.Error err -> {
                    log.append(err.message()).append('\n');
                    switch (err.message()) {
                        case "timeout exceeded" -> outcome = "timed out";
                        case "interrupted" -> outcome = "aborted";
                        default -> {
                            outcome = "errored";
                            detail = err.message();
                        }
                    }
                }
                case BuildEvent.FinishTask f -> {
                    outcome = f.exitStatus() == 0 ? "succeeded" : "failed";
                    detail = "exit " + f.exitStatus();
                }
                case BuildEvent.FinishGet f -> {
                    outcome = f.exitStatus() == 0 ? "succeeded" : "failed";
                    detail = f.exitStatus() == 0 && f.fetchedVersion() != null ? f.fetchedVersion().toString()
                            : "exit " + f.exitStatus();
                }
                case BuildEvent.FinishPut f -> {
                    outcome = f.exitStatus() == 0 ? "succeeded" : "failed";
                    detail = f.exitStatus() == 0 && f.createdVersion() != null ? f.createdVersion().toString()
                            : "exit " + f.exitStatus();
                }
                case BuildEvent.Finish f -> outcome = f.succeeded() ? "succeeded" : "failed";
                default -> {
                }
            }
        }
        return new StepTrace(node.id(), node.kind(), node.name(), outcome, detail, log.toString());
    }

    static Optional<Origin> origin(BuildEvent event) {
        return Optional.ofNullable(switch (event) {
            case BuildEvent.Log e -> e.origin();
            case BuildEvent.Error e -> e.origin();
            case BuildEvent.InitializeTask e -> e.origin();
            case BuildEvent.StartTask e -> e.origin();
            case BuildEvent.FinishTask e -> e.origin();
            case BuildEvent.Initialize e -> e.origin();
            case BuildEvent.Start e -> e.origin();
            case BuildEvent.Finish e -> e.origin();
            case BuildEvent.WaitingForWorker e -> e.origin();
            case BuildEvent.SelectedWorker e -> e.origin();
            case BuildEvent.SetPipelineChanged e -> e.origin();
            case BuildEvent.AcrossSubsteps e -> e.origin();
            case BuildEvent.InitializeGet e -> e.origin();
            case BuildEvent.StartGet e -> e.origin();
            case BuildEvent.FinishGet e -> e.origin();
            case BuildEvent.InitializePut e -> e.origin();
            case BuildEvent.StartPut e -> e.origin();
            case BuildEvent.FinishPut e -> e.origin();
            case BuildEvent.Status e -> null;
        });
    }

    @Override
    public String toString() {
        return stepTree();
    }
}
