package dev.concourse.samples.runner;

import dev.concourse.BuildPlan;
import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Prints a build's events as they arrive: step output to {@code out} or {@code err} by the stream
 * it was written to, {@code error} events to {@code err} as {@code error: MESSAGE}, and (for
 * {@code run}) a header line {@code ==> task: unit} before the first event of each named step.
 * Remembers the final status and the last task exit status.
 *
 * <p>Subscribe it once; {@link #await()} returns when the build's event stream ends. Signals come
 * one at a time (the {@code Flow} contract), so its state needs no locking; {@link #await()} sees
 * it through the future.
 */
final class BuildLogPrinter implements Flow.Subscriber<SequencedEvent> {

    /**
     * How the build ended.
     *
     * @param status     its final status
     * @param exitStatus the exit status of the last task that finished, if any did
     */
    record Outcome(BuildStatus status, OptionalInt exitStatus) {
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Supplier<Optional<BuildPlan>> plan;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private final Set<String> announced = new HashSet<>();
    private Map<String, String> stepLabels;
    private boolean outAtLineStart = true;
    private boolean errAtLineStart = true;
    private BuildStatus status;
    private OptionalInt exitStatus = OptionalInt.empty();

    private BuildLogPrinter(PrintWriter out, PrintWriter err, Supplier<Optional<BuildPlan>> plan) {
        this.out = out;
        this.err = err;
        this.plan = plan;
    }

    /** Output and errors only: what {@code execute} prints. */
    static BuildLogPrinter plain(PrintWriter out, PrintWriter err) {
        return new BuildLogPrinter(out, err, null);
    }

    /**
     * Output and errors with a header per step, its name taken from the build's plan (asked for
     * when the first step event arrives, since a pending build has no plan yet).
     */
    static BuildLogPrinter withStepHeaders(PrintWriter out, PrintWriter err, Supplier<Optional<BuildPlan>> plan) {
        return new BuildLogPrinter(out, err, plan);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(SequencedEvent item) {
        BuildEvent event = item.event();
        Origin origin = originOf(event);
        if (origin != null) {
            announce(origin.id());
        }
        switch (event) {
            case BuildEvent.Log log -> {
                if (log.origin().source() == Origin.Source.STDERR) {
                    err.print(log.payload());
                    errAtLineStart = endsLine(log.payload(), errAtLineStart);
                } else {
                    out.print(log.payload());
                    outAtLineStart = endsLine(log.payload(), outAtLineStart);
                }
            }
            case BuildEvent.Error error -> {
                startErrLine();
                err.println("error: " + error.message());
            }
            case BuildEvent.FinishTask finish -> exitStatus = OptionalInt.of(finish.exitStatus());
            case BuildEvent.AcrossSubsteps across -> {
                // Substeps are not in the build's plan; their names come with this event.
                if (stepLabels != null) {
                    across.substeps().forEach(substep -> index(substep.step(), stepLabels));
                }
            }
            case BuildEvent.Status s -> {
                if (s.status().isFinished()) {
                    status = s.status();
                }
            }
            default -> {
                // initialize, start, worker selection: nothing to print beyond the header
            }
        }
        out.flush();
        err.flush();
    }

    @Override
    public void onError(Throwable throwable) {
        outcome.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        if (status == null) {
            outcome.completeExceptionally(new IllegalStateException("the build's events ended without a final status"));
        } else {
            outcome.complete(new Outcome(status, exitStatus));
        }
    }

    /**
     * Waits for the end of the event stream.
     *
     * @throws IllegalStateException if the stream failed
     */
    Outcome await() throws InterruptedException {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot follow the build's events: " + e.getCause(), e.getCause());
        }
    }

    /** Prints a line of the runner's own on stdout, on a line of its own. Call after {@link #await()}. */
    void printLine(String line) {
        startOutLine();
        out.println(line);
        out.flush();
    }

    private void announce(String planId) {
        if (plan == null || announced.contains(planId)) {
            return;
        }
        if (stepLabels == null) {
            Optional<BuildPlan> known = plan.get();
            if (known.isEmpty()) {
                return;
            }
            stepLabels = new HashMap<>();
            index(known.get(), stepLabels);
        }
        String label = stepLabels.get(planId);
        announced.add(planId);
        if (label != null) {
            printLine("==> " + label);
        }
    }

    /** Steps with a name (task, get, put, set_pipeline, load_var) get a header; do, try and friends do not. */
    static void index(BuildPlan node, Map<String, String> labels) {
        if (node.name() != null && !node.name().isEmpty()) {
            labels.put(node.id(), node.kind() + ": " + node.name());
        }
        node.children().forEach(child -> index(child, labels));
    }

    static Origin originOf(BuildEvent event) {
        return switch (event) {
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
        };
    }

    private static boolean endsLine(String payload, boolean before) {
        return payload.isEmpty() ? before : payload.charAt(payload.length() - 1) == '\n';
    }

    /** A line of ours never continues a line of the step's output. */
    private void startOutLine() {
        if (!outAtLineStart) {
            out.println();
            outAtLineStart = true;
        }
    }

    private void startErrLine() {
        if (!errAtLineStart) {
            err.println();
            errAtLineStart = true;
        }
    }
}
