package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.credentials.StaticCredentials;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Periodic checks and webhooks through {@link PipelineEngine}, on a clock the test moves. Checks
 * run on the test's thread (a direct executor), so each {@code advance} ends with its checks done.
 */
class PeriodicChecksTest {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path work;

    private final TestClock clock = new TestClock(START);
    private final CountingResource counting = new CountingResource(clock);
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .clock(clock)
                .executor(Runnable::run)
                .resourceType(counting)
                .credentialManager(StaticCredentials.of(Map.of("/main/ci/hook_token", "s3cr3t")))
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void aTriggerInputIsCheckedOnItsIntervalWhileAnInputWithVersionsThatDoesNotTriggerIsLeftAlone() {
        set("""
                resources:
                - name: trig
                  type: counting
                  check_every: 5m
                  source: {id: trig}
                - name: plain
                  type: counting
                  source: {id: plain}
                - name: off
                  type: counting
                  check_every: never
                  source: {id: off}
                jobs:
                - name: use
                  plan:
                  - in_parallel:
                    - get: trig
                      trigger: true
                    - get: plain
                    - get: off
                """);

        // The rescan 10s after start finds them: never checked, so due at once (but not 'never').
        clock.advance(Duration.ofSeconds(10));
        assertThat(counting.times("trig")).containsExactly(at(10));
        assertThat(counting.times("plain")).containsExactly(at(10));
        assertThat(counting.times("off")).isEmpty();
        assertThat(engine.resources().versions(CI.resource("plain"), 10)).extracting(ResourceVersion::version)
                .containsExactly(Version.of("n", "1"));

        clock.advance(Duration.ofMinutes(11));

        assertThat(counting.times("trig")).containsExactly(at(10), at(310), at(610));
        assertThat(counting.times("plain")).containsExactly(at(10));
        assertThat(counting.times("off")).isEmpty();
        assertThat(engine.resources().get(CI.resource("trig")).orElseThrow().lastChecked()).isEqualTo(at(610));
    }

    @Test
    void resourcesSharingAVersionHistoryShareTheirPeriodicChecks() {
        set("""
                resources:
                - name: a
                  type: counting
                  source: {id: same}
                - name: b
                  type: counting
                  source: {id: same}
                - name: c
                  type: counting
                  source: {id: other}
                jobs:
                - name: use
                  plan:
                  - get: a
                    trigger: true
                  - get: b
                    trigger: true
                  - get: c
                    trigger: true
                """);

        // Before their first checks they have no history yet: each is checked.
        clock.advance(Duration.ofSeconds(10));
        assertThat(counting.times("same")).containsExactly(at(10), at(10));
        long shared = engine.resources().get(CI.resource("a")).orElseThrow().scopeId();
        assertThat(engine.resources().get(CI.resource("b")).orElseThrow().scopeId()).isEqualTo(shared);

        clock.advance(Duration.ofSeconds(130));

        // Then one check a minute for the history they share, not one per resource.
        assertThat(counting.times("same")).containsExactly(at(10), at(10), at(70), at(130));
        assertThat(counting.times("other")).containsExactly(at(10), at(70), at(130));

        // A check through the API of one (at 160s) pushes the next periodic check of both back (a
        // would have been due at 190s).
        clock.advance(Duration.ofSeconds(20));
        engine.resources().check(CI.resource("b"));
        clock.advance(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(50));
        assertThat(counting.times("same")).containsExactly(at(10), at(10), at(70), at(130), at(160), at(220));
    }

    @Test
    void aCheckDoneElsewherePushesTheNextPeriodicOneBack() {
        set("""
                resources:
                - name: trig
                  type: counting
                  source: {id: trig}
                jobs:
                - name: use
                  plan:
                  - get: trig
                    trigger: true
                """);
        clock.advance(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(30));
        engine.resources().check(CI.resource("trig"));

        clock.advance(Duration.ofSeconds(80));

        // Checked at 10s, by hand at 40s, then a minute after that, not a minute after 10s.
        assertThat(counting.times("trig")).containsExactly(at(10), at(40), at(100));
    }

    @Test
    void aFailingCheckIsRetriedWithBackoffThenReturnsToItsInterval() {
        counting.failFirst("flaky", 3);
        set("""
                resources:
                - name: flaky
                  type: counting
                  check_every: 1m
                  source: {id: flaky}
                jobs:
                - name: use
                  plan:
                  - get: flaky
                    trigger: true
                """);

        clock.advance(Duration.ofSeconds(10));
        assertThat(engine.resources().get(CI.resource("flaky")).orElseThrow().checkError())
                .startsWith("checking resource 'flaky' of pipeline 'main/ci' failed: counting: flaky is down");

        clock.advance(Duration.ofSeconds(70));

        // Failed at 10s, retried 1s, 2s and 4s later; the fourth succeeded, then the interval.
        assertThat(counting.times("flaky")).containsExactly(at(10), at(11), at(13), at(17), at(77));
        Resource flaky = engine.resources().get(CI.resource("flaky")).orElseThrow();
        assertThat(flaky.checkError()).isNull();
        assertThat(flaky.lastChecked()).isEqualTo(at(77));
    }

    @Test
    void pausingThePipelineStopsItsChecksAndUnpausingResumesThem() {
        set("""
                resources:
                - name: trig
                  type: counting
                  source: {id: trig}
                jobs:
                - name: use
                  plan:
                  - get: trig
                    trigger: true
                """);
        clock.advance(Duration.ofSeconds(10));
        engine.pipelines().pause(CI);

        clock.advance(Duration.ofMinutes(5));
        assertThat(counting.times("trig")).containsExactly(at(10));

        engine.pipelines().unpause(CI);
        clock.advance(Duration.ofSeconds(10));
        assertThat(counting.times("trig")).containsExactly(at(10), at(320));
    }

    @Test
    void aWebhookWithTheRightTokenChecksTheResourceAndAWrongOneIsRefused() {
        set("""
                resources:
                - name: hooked
                  type: counting
                  check_every: never
                  webhook_token: ((hook_token))
                  source: {id: hooked}
                - name: literal
                  type: counting
                  check_every: never
                  webhook_token: plain-token
                  source: {id: literal}
                - name: tokenless
                  type: counting
                  check_every: never
                  source: {id: tokenless}
                jobs:
                - name: use
                  plan:
                  - get: hooked
                  - get: literal
                  - get: tokenless
                """);
        ResourceRef hooked = CI.resource("hooked");

        assertThatThrownBy(() -> engine.resources().checkWebhook(hooked, "((hook_token))"))
                .isInstanceOf(ConcourseException.class)
                .hasMessageStartingWith("invalid webhook token for resource 'hooked' of pipeline 'main/ci'");
        assertThatThrownBy(() -> engine.resources().checkWebhook(hooked, "wrong"))
                .isInstanceOf(ConcourseException.class)
                .hasMessageStartingWith("invalid webhook token for resource 'hooked' of pipeline 'main/ci'");
        assertThatThrownBy(() -> engine.resources().checkWebhook(CI.resource("tokenless"), ""))
                .isInstanceOf(ConcourseException.class)
                .hasMessageContaining("has no webhook_token");
        assertThatThrownBy(() -> engine.resources().checkWebhook(CI.resource("missing"), "s3cr3t"))
                .isInstanceOf(NotFoundException.class);
        assertThat(counting.times("hooked")).isEmpty();

        engine.resources().checkWebhook(hooked, "s3cr3t");
        engine.resources().checkWebhook(CI.resource("literal"), "plain-token");

        assertThat(counting.times("hooked")).containsExactly(START);
        assertThat(counting.times("literal")).containsExactly(START);
        assertThat(engine.resources().versions(hooked, 10)).extracting(ResourceVersion::version)
                .containsExactly(Version.of("n", "1"));
        assertThat(counting.times("tokenless")).isEmpty();
    }

    private void set(String yaml) {
        engine.pipelines().set(CI, yaml, StaticVariables.empty());
        engine.pipelines().unpause(CI);
    }

    private static Instant at(long seconds) {
        return START.plusSeconds(seconds);
    }

    /**
     * A native type recording when each {@code source.id} was checked (on the test's clock); it
     * finds version 1, or fails the first checks of an id told to.
     */
    static final class CountingResource implements ResourceType {
        private final EngineClock clock;
        private final Map<String, List<Instant>> checks = new ConcurrentHashMap<>();
        private final Map<String, Integer> failing = new ConcurrentHashMap<>();

        CountingResource(EngineClock clock) {
            this.clock = clock;
        }

        void failFirst(String id, int times) {
            failing.put(id, times);
        }

        List<Instant> times(String id) {
            return List.copyOf(checks.getOrDefault(id, List.of()));
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            String id = String.valueOf(request.source().get("id"));
            checks.computeIfAbsent(id, k -> new ArrayList<>()).add(clock.now());
            if (failing.merge(id, -1, Integer::sum) >= 0) {
                throw new ResourceException("counting: " + id + " is down");
            }
            return List.of(Version.of("n", "1"));
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new ResourceException("counting: put is not supported");
        }
    }

    /** A clock that moves only when {@link #advance} says, running the timers due on the way on the caller's thread. */
    static final class TestClock implements EngineClock {
        private final PriorityQueue<Timer> timers = new PriorityQueue<>(
                Comparator.comparing(Timer::due).thenComparingLong(Timer::order));
        private Instant now;
        private long order;

        TestClock(Instant start) {
            this.now = start;
        }

        @Override
        public synchronized Instant now() {
            return now;
        }

        @Override
        public synchronized Scheduled schedule(Duration delay, Runnable task) {
            Timer timer = new Timer(now.plus(delay), order++, task);
            timers.add(timer);
            return () -> {
                synchronized (TestClock.this) {
                    timers.remove(timer);
                }
            };
        }

        void advance(Duration by) {
            Instant until;
            synchronized (this) {
                until = now.plus(by);
            }
            while (true) {
                Timer next;
                synchronized (this) {
                    next = timers.peek();
                    if (next == null || next.due().isAfter(until)) {
                        now = until;
                        return;
                    }
                    timers.poll();
                    if (next.due().isAfter(now)) {
                        now = next.due();
                    }
                }
                next.task().run();
            }
        }

        private record Timer(Instant due, long order, Runnable task) {
        }
    }
}
