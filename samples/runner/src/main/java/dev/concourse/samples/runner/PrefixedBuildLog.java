package dev.concourse.samples.runner;

import dev.concourse.Build;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * Prints one build's events for {@code run} of a whole pipeline, where several builds run at once:
 * every line is prefixed with {@code JOB/BUILD | } ({@code unit/1 | compiling}), step output goes to
 * stdout or stderr by the stream it was written to, a step's header ({@code unit/1 | ==> task: test})
 * comes before its first output, {@code error} events go to stderr. Output is printed a whole line
 * at a time (a line still open when the build ends is printed then), so lines of different builds
 * never mix; the writers are shared and locked while a line is written. When the build ends, a last
 * line {@code ==> main/ci/unit #1 succeeded} goes to stdout.
 *
 * <p>{@link #done()} completes with the final status when the build's event stream ends.
 */
final class PrefixedBuildLog implements Flow.Subscriber<SequencedEvent> {
    private final String prefix;
    private final String describe;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Supplier<Optional<BuildPlan>> plan;
    private final CompletableFuture<BuildStatus> done = new CompletableFuture<>();
    private final StringBuilder outLine = new StringBuilder();
    private final StringBuilder errLine = new StringBuilder();
    private final Set<String> announced = new HashSet<>();
    private Map<String, String> stepLabels;
    private Flow.Subscription subscription;
    private BuildStatus status;

    PrefixedBuildLog(Build build, PrintWriter out, PrintWriter err, Supplier<Optional<BuildPlan>> plan) {
        this.prefix = build.job() + "/" + build.name() + " | ";
        this.describe = build.describe();
        this.out = out;
        this.err = err;
        this.plan = plan;
    }

    /** Completes with the build's final status once its events ended. */
    CompletableFuture<BuildStatus> done() {
        return done;
    }

    /** Stops following the build (one still pending when the pipeline went idle). */
    void cancel() {
        Flow.Subscription s;
        synchronized (this) {
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (this) {
            this.subscription = subscription;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(SequencedEvent item) {
        BuildEvent event = item.event();
        Origin origin = BuildLogPrinter.originOf(event);
        if (origin != null) {
            announce(origin.id());
        }
        switch (event) {
            case BuildEvent.Log log -> {
                if (log.origin().source() == Origin.Source.STDERR) {
                    append(errLine, log.payload(), err);
                } else {
                    append(outLine, log.payload(), out);
                }
            }
            case BuildEvent.Error error -> {
                flushOpen();
                line(err, "error: " + error.message());
            }
            case BuildEvent.AcrossSubsteps across -> {
                if (stepLabels != null) {
                    across.substeps().forEach(substep -> BuildLogPrinter.index(substep.step(), stepLabels));
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
    }

    @Override
    public void onError(Throwable throwable) {
        flushOpen();
        done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        flushOpen();
        if (status == null) {
            done.completeExceptionally(new IllegalStateException("the build's events ended without a final status"));
        } else {
            synchronized (out) {
                out.println("==> " + describe + " " + status.wireName());
                out.flush();
            }
            done.complete(status);
        }
    }

    private void announce(String planId) {
        if (announced.contains(planId)) {
            return;
        }
        if (stepLabels == null) {
            Optional<BuildPlan> known = plan.get();
            if (known.isEmpty()) {
                return;
            }
            stepLabels = new HashMap<>();
            BuildLogPrinter.index(known.get(), stepLabels);
        }
        announced.add(planId);
        String label = stepLabels.get(planId);
        if (label != null) {
            flushOpen();
            line(out, "==> " + label);
        }
    }

    private void append(StringBuilder open, String payload, PrintWriter to) {
        open.append(payload);
        int newline;
        while ((newline = open.indexOf("\n")) >= 0) {
            line(to, open.substring(0, newline));
            open.delete(0, newline + 1);
        }
    }

    private void flushOpen() {
        if (!outLine.isEmpty()) {
            line(out, outLine.toString());
            outLine.setLength(0);
        }
        if (!errLine.isEmpty()) {
            line(err, errLine.toString());
            errLine.setLength(0);
        }
    }

    private void line(PrintWriter to, String text) {
        synchronized (to) {
            to.println(prefix + text);
            to.flush();
        }
    }
}
