package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.GetStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.SourceLocation;
import dev.concourse.internal.config.SourceIndex;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cycles through {@code passed}: a depth-first search from each job in turn along the jobs its
 * gets' {@code passed} patterns match. Like Concourse, reports only the first cycle found, naming
 * the job where the search met itself.
 *
 * <p>Concourse starts every search afresh, which is cubic on a long chain of jobs. A job whose
 * search finished without a cycle cannot lead to one later either, so later searches skip it; the
 * first cycle found, and the job it names, stay the same. Concourse keys the search state by job
 * name, so with duplicate names (an error anyway) this runs Concourse's search as is.
 */
final class CycleValidator {
    private enum State { VISITING, VISITED }

    /** The cycle's job and the {@code passed} entry that led back into it. */
    private record Cycle(JobConfig job, SourceLocation at) {
    }

    private final JobGraph graph;
    private final SourceIndex sources;
    private final Set<JobConfig> acyclic;
    private final Map<JobConfig, List<Edge>> edges = new IdentityHashMap<>();

    private CycleValidator(JobGraph graph, SourceIndex sources) {
        this.graph = graph;
        this.sources = sources;
        this.acyclic = graph.hasUniqueNames() ? Collections.newSetFromMap(new IdentityHashMap<>()) : null;
    }

    static void validate(PipelineConfig config, JobGraph graph, SourceIndex sources, Findings findings) {
        CycleValidator validator = new CycleValidator(graph, sources);
        for (JobConfig job : config.jobs()) {
            Cycle cycle = validator.detect(job, new HashMap<>(), sources.locate(job, "name"));
            if (cycle != null) {
                findings.error("cycle", "jobs", cycle.at(),
                        "pipeline contains a cycle that starts at Job '" + nz(cycle.job().name()) + "'");
                return;
            }
        }
    }

    /** One step along {@code passed}: the job reached and the entry that leads there. */
    private record Edge(JobConfig target, GetStep get, int passedIndex) {
    }

    /** A job on the search path and how far through its edges the search is. */
    private static final class Frame {
        final JobConfig job;
        final List<Edge> edges;
        int next;

        Frame(JobConfig job, List<Edge> edges) {
            this.job = job;
            this.edges = edges;
        }
    }

    /** Concourse's recursive detectCycle, with an explicit stack: pipelines can chain thousands of jobs. */
    private Cycle detect(JobConfig root, Map<String, State> visited, SourceLocation reachedAt) {
        if (visited.get(nz(root.name())) == State.VISITING) {
            return new Cycle(root, reachedAt);
        }
        if (visited.get(nz(root.name())) == State.VISITED || acyclic != null && acyclic.contains(root)) {
            return null;
        }
        Deque<Frame> path = new ArrayDeque<>();
        visited.put(nz(root.name()), State.VISITING);
        path.push(new Frame(root, edges(root)));
        while (!path.isEmpty()) {
            Frame frame = path.peek();
            if (frame.next == frame.edges.size()) {
                visited.put(nz(frame.job.name()), State.VISITED);
                if (acyclic != null) {
                    acyclic.add(frame.job);
                }
                path.pop();
                continue;
            }
            Edge edge = frame.edges.get(frame.next++);
            JobConfig next = edge.target();
            State state = visited.get(nz(next.name()));
            if (state == State.VISITING) {
                return new Cycle(next, sources.locate(edge.get(), "passed[" + edge.passedIndex() + "]"));
            }
            if (state == State.VISITED || acyclic != null && acyclic.contains(next)) {
                continue;
            }
            visited.put(nz(next.name()), State.VISITING);
            path.push(new Frame(next, edges(next)));
        }
        return null;
    }

    private List<Edge> edges(JobConfig job) {
        return edges.computeIfAbsent(job, j -> {
            List<Edge> out = new ArrayList<>();
            for (GetStep get : graph.gets(j)) {
                for (int i = 0; i < get.passed().size(); i++) {
                    for (JobConfig target : graph.matching(get.passed().get(i))) {
                        out.add(new Edge(target, get, i));
                    }
                }
            }
            return out;
        });
    }
}
