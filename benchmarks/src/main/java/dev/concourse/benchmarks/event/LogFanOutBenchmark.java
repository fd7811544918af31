package dev.concourse.benchmarks.event;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import dev.concourse.internal.event.BuildEventLog;
import dev.concourse.internal.event.EventLogs;
import dev.concourse.storage.InMemoryStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One build's log lines fanned out to {@code subscribers} subscribers, through the engine's event
 * stream ({@code engine}) and through the {@link ArrayLog} baseline ({@code baseline}) in the same
 * run. An operation is one event delivered to one subscriber: each invocation emits
 * {@value #DELIVERIES} / subscribers events of 120 characters, closes the log and waits until
 * every subscriber has them all (and completed). Scores are deliveries per second; events per
 * second are that divided by the subscribers. Target at 1,000 subscribers: at least 1 million
 * deliveries per second, and at least half the baseline.
 *
 * <p>The engine side is what {@code engine.builds().events(id, 1)} subscribes to: an
 * {@code EventLogs} over {@code InMemoryStorage} with a virtual-thread executor and the default
 * linger of delivery loops, as {@code PipelineEngine.builder().build()} makes it, so events are
 * also stored (group commit) as they are in every build. Emitting goes through the internal {@code BuildEventLog}, the build
 * executor's entry point, which has no public API.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class LogFanOutBenchmark {
    static final int DELIVERIES = 1_000_000;
    private static final Origin STDOUT = new Origin("task", Origin.Source.STDOUT);
    private static final BuildEvent LINE = new BuildEvent.Log(Instant.parse("2026-01-01T00:00:00Z"), STDOUT,
            "the quick brown fox jumps over the lazy dog, 0123456789, ".repeat(2) + "0123456");

    @Param({"1", "100", "1000"})
    public int subscribers;

    private int events;
    private ExecutorService executor;

    @Setup(Level.Trial)
    public void startExecutor() {
        events = DELIVERIES / subscribers;
        executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void stopExecutor() {
        executor.close();
    }

    /** Per invocation: a fresh store and engine log with every subscriber already listening. */
    @State(Scope.Thread)
    public static class EngineLog {
        BuildEventLog log;
        Listeners listeners;

        @Setup(Level.Invocation)
        public void subscribe(LogFanOutBenchmark run) {
            InMemoryStorage storage = new InMemoryStorage();
            storage.teams().createIfAbsent("main");
            long buildId = storage.builds().createOneOffBuild("main", Instant.parse("2026-01-01T00:00:00Z")).id();
            EventLogs logs = new EventLogs(storage.events(), run.executor, EventLogs.DEFAULT_RESIDENT_BUDGET,
                    EventLogs.DEFAULT_LINGER);
            log = logs.open(buildId);
            listeners = new Listeners(run.subscribers, run.events);
            for (EventCheck check : listeners.checks) {
                logs.publisher(buildId, 1).subscribe(new Subscriber(check, listeners.done));
            }
        }

        @TearDown(Level.Invocation)
        public void verify() {
            listeners.verify();
        }
    }

    /** Per invocation: a fresh array log with every reader already waiting. */
    @State(Scope.Thread)
    public static class BaselineLog {
        ArrayLog log;
        Listeners listeners;

        @Setup(Level.Invocation)
        public void subscribe(LogFanOutBenchmark run) {
            log = new ArrayLog(run.events);
            listeners = new Listeners(run.subscribers, run.events);
            for (EventCheck check : listeners.checks) {
                log.read(run.executor, check, listeners.done);
            }
        }

        @TearDown(Level.Invocation)
        public void verify() {
            listeners.verify();
        }
    }

    @Benchmark
    @OperationsPerInvocation(DELIVERIES)
    public void engine(EngineLog engine) throws InterruptedException {
        for (int i = 0; i < events; i++) {
            engine.log.emit(LINE);
        }
        engine.log.close();
        engine.listeners.await();
    }

    @Benchmark
    @OperationsPerInvocation(DELIVERIES)
    public void baseline(BaselineLog baseline) throws InterruptedException {
        for (int i = 0; i < events; i++) {
            baseline.log.append(new SequencedEvent(1, i + 1, LINE));
        }
        baseline.log.close();
        baseline.listeners.await();
    }

    /** The subscribers' checks and the latch their completions count down. */
    static final class Listeners {
        final List<EventCheck> checks = new ArrayList<>();
        final CountDownLatch done;
        private final int events;

        Listeners(int subscribers, int events) {
            this.events = events;
            this.done = new CountDownLatch(subscribers);
            for (int i = 0; i < subscribers; i++) {
                checks.add(new EventCheck());
            }
        }

        void await() throws InterruptedException {
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException(done.getCount() + " of " + checks.size()
                        + " subscribers did not complete within 5 minutes");
            }
        }

        void verify() {
            checks.forEach(check -> check.verify(events));
        }
    }

    /** Requests everything and checks each event. */
    private static final class Subscriber implements Flow.Subscriber<SequencedEvent> {
        private final EventCheck check;
        private final CountDownLatch done;

        Subscriber(EventCheck check, CountDownLatch done) {
            this.check = check;
            this.done = done;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(SequencedEvent event) {
            check.accept(event);
        }

        @Override
        public void onError(Throwable throwable) {
            check.fail(throwable);
            done.countDown();
        }

        @Override
        public void onComplete() {
            done.countDown();
        }
    }
}
