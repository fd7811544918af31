package dev.concourse.samples.runner;

import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.JobPreparation;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.resource.CheckResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * {@code run} without {@code --job}: the whole pipeline. Every build of the pipeline is followed
 * from its creation (a {@link BuildListener} registered before the pipeline is set) and its log
 * printed with a {@code JOB/BUILD | } prefix; the resources are checked once (except
 * {@code check_every: never}), and from there new versions trigger jobs, their puts trigger
 * others, and so on, as the engine's scheduler does it. When no job can make progress
 * ({@link PipelineEngine#awaitIdle}: nothing queued, checked, or running; no sleeping or polling),
 * the runner prints why each job is idle ({@link dev.concourse.Jobs#preparation}) and a summary.
 * With {@code watch} it then waits for the next build (a periodic check, the safety net) and goes
 * on until Ctrl-C.
 */
final class PipelineRun {
    /** As long as anyone will wait: {@code awaitIdle} needs a bound. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private final PipelineEngine engine;
    private final PipelineRef ref;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<Long, Followed> followed = new ConcurrentHashMap<>();
    private final Semaphore created = new Semaphore(0);
    private volatile boolean stopping;
    private boolean checkFailed;

    private record Followed(Build build, PrefixedBuildLog log) {
    }

    PipelineRun(PipelineEngine engine, PipelineRef ref, PrintWriter out, PrintWriter err) {
        this.engine = engine;
        this.ref = ref;
        this.out = out;
        this.err = err;
    }

    /**
     * Sets the pipeline and runs it until it is idle (or, with {@code watch}, until
     * {@link #stop()}).
     *
     * @return the exit code: 0 when every build succeeded, 1 when one failed (and none errored),
     *         2 when one errored or was aborted, or is left pending, or a first check failed
     */
    int run(PipelineConfig config, boolean watch) throws InterruptedException {
        BuildListener.Registration listening = engine.builds().listen(new BuildListener() {
            @Override
            public void created(Build build) {
                follow(build);
            }
        });
        try {
            engine.pipelines().set(ref, config);
            checkResources(config);
            while (true) {
                engine.awaitIdle(FOREVER);
                drainFinished();
                report();
                if (!watch || stopping) {
                    return exitCode();
                }
                created.acquire();
                created.drainPermits();
                if (stopping) {
                    engine.awaitIdle(FOREVER);
                    drainFinished();
                    return exitCode();
                }
            }
        } finally {
            listening.close();
            cancelPending();
        }
    }

    /** Ctrl-C: abort every build of the run that has not finished, and let {@link #run} return. */
    void stop() {
        stopping = true;
        for (Followed f : followed.values()) {
            if (engine.builds().get(f.build().id()).map(b -> b.status().isRunning()).orElse(false)) {
                engine.builds().abort(f.build().id());
            }
        }
        created.release();
    }

    private void follow(Build build) {
        if (!ref.equals(build.pipeline())) {
            return;
        }
        PrefixedBuildLog log = new PrefixedBuildLog(build, out, err, () -> engine.builds().plan(build.id()));
        if (followed.putIfAbsent(build.id(), new Followed(build, log)) == null) {
            engine.builds().events(build.id(), 1).subscribe(log);
            created.release();
        }
    }

    /** Checks each resource once, in config order, as the first periodic checks would. */
    private void checkResources(PipelineConfig config) {
        for (ResourceConfig resource : config.resources()) {
            if ("never".equals(resource.checkEvery())) {
                continue;
            }
            CheckResult result = engine.resources().check(ref.resource(resource.name()));
            if (!result.succeeded()) {
                checkFailed = true;
                synchronized (err) {
                    err.println("concourse-runner: " + result.error());
                    err.flush();
                }
            }
        }
    }

    /**
     * Waits until the logs of finished builds are printed. A build still pending waits for
     * something (the report says what); its log stays open.
     */
    private void drainFinished() throws InterruptedException {
        for (Followed f : followed.values()) {
            Build now = engine.builds().get(f.build().id()).orElse(f.build());
            if (now.status().isFinished()) {
                try {
                    f.log().done().get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("cannot follow the events of " + now.describe() + ": "
                            + e.getCause(), e.getCause());
                }
            }
        }
    }

    /** Stops following the builds left pending. */
    private void cancelPending() {
        followed.values().stream().filter(f -> !f.log().done().isDone()).forEach(f -> f.log().cancel());
    }

    /** Why each job is idle, then how many builds ended how. */
    private void report() {
        List<String> lines = new ArrayList<>();
        lines.add("==> idle: no job can make progress");
        for (Job job : engine.jobs().list(ref)) {
            JobPreparation preparation = engine.jobs().preparation(job.ref());
            List<String> reasons = preparation.reasons();
            String name = job.ref().name();
            if (preparation.pendingBuild() != null) {
                lines.add("==> " + name + ": #" + preparation.pendingBuild().name() + " is pending");
            }
            if (reasons.isEmpty() && preparation.pendingBuild() == null) {
                lines.add("==> " + name + ": nothing to do");
            }
            reasons.forEach(reason -> lines.add("==> " + name + ": " + reason));
        }
        lines.add("==> " + summary());
        synchronized (out) {
            lines.forEach(out::println);
            out.flush();
        }
    }

    private Map<BuildStatus, Integer> counts() {
        Map<BuildStatus, Integer> counts = new EnumMap<>(BuildStatus.class);
        for (Followed f : followed.values()) {
            BuildStatus status = engine.builds().get(f.build().id()).map(Build::status).orElse(BuildStatus.ERRORED);
            counts.merge(status == BuildStatus.STARTED ? BuildStatus.PENDING : status, 1, Integer::sum);
        }
        return counts;
    }

    private String summary() {
        Map<BuildStatus, Integer> counts = counts();
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            return "no build ran";
        }
        return total + (total == 1 ? " build: " : " builds: ") + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().wireName())
                .collect(Collectors.joining(", "));
    }

    private int exitCode() {
        Map<BuildStatus, Integer> counts = counts();
        if (checkFailed || counts.containsKey(BuildStatus.ERRORED) || counts.containsKey(BuildStatus.ABORTED)
                || counts.containsKey(BuildStatus.PENDING)) {
            return 2;
        }
        return counts.containsKey(BuildStatus.FAILED) ? 1 : 0;
    }
}
