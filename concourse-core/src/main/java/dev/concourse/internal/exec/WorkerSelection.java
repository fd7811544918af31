package dev.concourse.internal.exec;

import dev.concourse.WorkerInfo;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.scheduling.PlacementRequest;
import dev.concourse.spi.scheduling.PlacementStrategies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Chooses the worker of a step as Concourse's pool does ({@code atc/worker/pool.go}
 * {@code FindOrSelectWorker}): the compatible workers ({@link PlacementStrategies#compatible};
 * none is an error), ordered by the placement chain, the first one it approves. When the chain
 * refuses them all, the step emits {@code waiting-for-worker} once and tries again every
 * {@link #POLL_INTERVAL}, or sooner when a step of the same build releases a worker, until it is
 * placed or cancelled.
 */
final class WorkerSelection {
    /** Concourse polls every 5 s; an embedded engine has no reason to be that slow. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private WorkerSelection() {
    }

    /** A step placed on a worker; closing it releases the worker in every strategy. */
    record Placed(RunContext run, Worker worker, PlacementRequest request) implements AutoCloseable {
        @Override
        public void close() {
            run.placement.release(worker, request);
            run.workerWaits.wakeAll();
        }
    }

    static Placed select(RunContext run, String planId, PlacementRequest request, Cancellation ctx) {
        boolean announcedWait = false;
        while (true) {
            StepCancelled.check(ctx);
            List<Worker> candidates = PlacementStrategies.compatible(run.env.runtime().workers(), request);
            if (candidates.isEmpty()) {
                throw new StepFailure(noWorkers(run, request));
            }
            for (Worker worker : run.placement.order(request, candidates)) {
                if (run.placement.approve(worker, request)) {
                    return new Placed(run, worker, request);
                }
            }
            if (!announcedWait) {
                announcedWait = true;
                run.emit(new BuildEvent.WaitingForWorker(run.now(), Origin.of(planId)));
            }
            awaitChance(run, ctx);
        }
    }

    private static void awaitChance(RunContext run, Cancellation ctx) {
        CountDownLatch latch = run.workerWaits.register();
        EngineClock.Scheduled poll = run.env.clock().schedule(POLL_INTERVAL, latch::countDown);
        Cancellation.Registration onCancel = ctx.onCancel(latch::countDown);
        try {
            Waits.await(latch, run);
        } finally {
            onCancel.close();
            poll.cancel();
            run.workerWaits.unregister(latch);
        }
    }

    private static String noWorkers(RunContext run, PlacementRequest request) {
        List<String> wanted = new ArrayList<>();
        if (request.platform() != null) {
            wanted.add("platform '" + request.platform() + "'");
        }
        wanted.add(request.tags().isEmpty() ? "no tags" : "tags " + request.tags());
        wanted.add("team '" + request.team() + "'");
        List<String> have = run.env.runtime().workers().stream().map(w -> describe(w.info())).toList();
        return "no workers satisfying: " + String.join(", ", wanted) + "; the " + run.env.runtime().id()
                + " runtime has " + (have.isEmpty() ? "no workers" : String.join(", ", have))
                + "; add a worker like that or change the step's platform or tags";
    }

    private static String describe(WorkerInfo info) {
        return "'" + info.name() + "' (" + info.platform() + (info.tags().isEmpty() ? "" : ", tags " + info.tags())
                + (info.team() == null ? "" : ", team " + info.team()) + ")";
    }
}
