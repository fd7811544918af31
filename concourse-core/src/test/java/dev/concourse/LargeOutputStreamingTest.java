package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task writing 100 MB streams it to a fast and a deliberately slow subscriber: both get every
 * byte in order, the slow one does not hold the build back, and a subscriber joining mid-build
 * from sequence 1 sees the whole log.
 */
class LargeOutputStreamingTest {
    /** {@code seq 1 N} prints about 100 MB for this N. */
    private static final long LINES = 12_500_000;

    /** Checks the log is exactly "1\n2\n...N\n" without keeping it, counting bytes. */
    static final class SequenceChecker implements Flow.Subscriber<SequencedEvent> {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final boolean slow;
        volatile Instant finishedAt;
        private Flow.Subscription subscription;
        private long expected = 1;
        private long current;
        private long bytes;
        private String error;

        SequenceChecker(boolean slow) {
            this.slow = slow;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(slow ? 1 : Long.MAX_VALUE);
        }

        @Override
        public void onNext(SequencedEvent item) {
            if (item.event() instanceof BuildEvent.Log log) {
                String payload = log.payload();
                bytes += payload.length();
                for (int i = 0; i < payload.length() && error == null; i++) {
                    char c = payload.charAt(i);
                    if (c == '\n') {
                        if (current != expected) {
                            error = "expected line " + expected + " but got " + current;
                        }
                        expected++;
                        current = 0;
                    } else {
                        current = current * 10 + (c - '0');
                    }
                }
                if (slow) {
                    // deliberate extra work per event, so this subscriber lags far behind
                    long spin = 0;
                    for (int i = 0; i < 200_000; i++) {
                        spin += Long.numberOfTrailingZeros(i ^ spin);
                    }
                    if (spin == 42) {
                        error = "unreachable";
                    }
                }
            }
            if (slow) {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            finishedAt = Instant.now();
            if (error != null) {
                done.completeExceptionally(new AssertionError(error));
            } else if (expected - 1 != LINES) {
                done.completeExceptionally(new AssertionError("saw " + (expected - 1) + " lines of " + LINES));
            } else {
                done.complete(bytes);
            }
        }
    }

    @Test
    void hundredMegabytesReachAFastAndASlowSubscriberInOrder(@TempDir Path work) throws Exception {
        try (PipelineEngine engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .build()) {
            engine.start();
            PipelineRef ci = PipelineRef.main("ci");
            engine.pipelines().set(ci, """
                    jobs:
                    - name: loud
                      plan:
                      - task: print
                        config: {platform: linux, run: {path: seq, args: ["1", "%d"]}}
                    """.formatted(LINES), StaticVariables.empty());

            Build build = engine.jobs().trigger(ci.job("loud"));
            SequenceChecker fast = new SequenceChecker(false);
            SequenceChecker slow = new SequenceChecker(true);
            engine.builds().events(build.id(), 1).subscribe(fast);
            engine.builds().events(build.id(), 1).subscribe(slow);

            Build done = engine.builds().await(build.id(), Duration.ofMinutes(5));
            Instant buildEnded = Instant.now();
            SequenceChecker late = new SequenceChecker(false);
            engine.builds().events(build.id(), 1).subscribe(late);

            assertThat(done.status()).isEqualTo(BuildStatus.SUCCEEDED);
            long bytes = fast.done.get(5, TimeUnit.MINUTES);
            assertThat(bytes).isGreaterThan(100_000_000L);
            assertThat(slow.done.get(10, TimeUnit.MINUTES)).isEqualTo(bytes);
            assertThat(late.done.get(5, TimeUnit.MINUTES)).isEqualTo(bytes);
            assertThat(slow.finishedAt).as("the slow subscriber lags behind the build instead of slowing it")
                    .isAfter(buildEnded);
        }
    }

    @Test
    void aSubscriberJoiningMidBuildFromTheStartSeesTheWholeLog(@TempDir Path work) throws Exception {
        try (PipelineEngine engine = PipelineEngine.builder()
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .build()) {
            PipelineRef ci = PipelineRef.main("ci");
            engine.pipelines().set(ci, """
                    jobs:
                    - name: j
                      plan:
                      - task: print
                        config:
                          platform: linux
                          run: {path: sh, args: [-c, "seq 1 1000; sleep 2; seq 1001 2000"]}
                    """, StaticVariables.empty());
            Build build = engine.jobs().trigger(ci.job("j"));
            EventCollector first = new EventCollector();
            engine.builds().events(build.id(), 1).subscribe(first);
            assertThat(first.awaitLog("1000\n", Duration.ofSeconds(30))).isTrue();

            EventCollector joiner = new EventCollector();
            engine.builds().events(build.id(), 1).subscribe(joiner);

            assertThat(engine.builds().await(build.id(), Duration.ofSeconds(60)).status())
                    .isEqualTo(BuildStatus.SUCCEEDED);
            String expected = java.util.stream.IntStream.rangeClosed(1, 2000).mapToObj(i -> i + "\n")
                    .collect(java.util.stream.Collectors.joining());
            assertThat(EventCollector.log(joiner.done.get(30, TimeUnit.SECONDS))).isEqualTo(expected);
            assertThat(joiner.done.get()).extracting(SequencedEvent::sequence)
                    .isEqualTo(first.done.get(30, TimeUnit.SECONDS).stream().map(SequencedEvent::sequence).toList());
        }
    }
}
