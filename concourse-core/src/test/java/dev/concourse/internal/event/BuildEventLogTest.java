package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.StoredEvent;
import dev.concourse.storage.InMemoryStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BuildEventLogTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final Origin STDOUT = new Origin("task", Origin.Source.STDOUT);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("event-log-test").start(task);

    private final InMemoryStorage storage = new InMemoryStorage();
    private final ManualExecutor manual = new ManualExecutor();

    private long newBuild() {
        storage.teams().createIfAbsent("main");
        return storage.builds().createOneOffBuild("main", T).id();
    }

    private static BuildEvent log(String text) {
        return new BuildEvent.Log(T, STDOUT, text);
    }

    private static String text(SequencedEvent event) {
        return ((BuildEvent.Log) event.event()).payload();
    }

    private List<SequencedEvent> stored(long buildId) {
        List<SequencedEvent> all = new ArrayList<>();
        for (StoredEvent event : storage.events().read(buildId, 1, Integer.MAX_VALUE)) {
            all.add(EventJson.decode(buildId, event));
        }
        return all;
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    // ---- sequencing and persistence

    @Test
    void numbersEventsFromOneAndStoresEverythingAppendedSinceTheLastFlushInOneBatch() {
        long build = newBuild();
        RecordingEventStore store = new RecordingEventStore(storage.events());
        BuildEventLog log = BuildEventLog.open(build, store, manual, Long.MAX_VALUE);

        log.emit(new BuildEvent.Status(T, BuildStatus.STARTED));
        log.emit(log("one"));
        log.emit(log("two"));
        assertThat(manual.pending()).as("one flush scheduled for three events").isEqualTo(1);
        manual.runAll();
        log.emit(new BuildEvent.Finish(T, Origin.of("task"), true));
        manual.runAll();

        assertThat(store.batches).containsExactly(3, 1);
        assertThat(log.lastSequence()).isEqualTo(4);
        assertThat(log.storedSequence()).isEqualTo(4);
        assertThat(stored(build)).containsExactly(
                new SequencedEvent(build, 1, new BuildEvent.Status(T, BuildStatus.STARTED)),
                new SequencedEvent(build, 2, log("one")),
                new SequencedEvent(build, 3, log("two")),
                new SequencedEvent(build, 4, new BuildEvent.Finish(T, Origin.of("task"), true)));
        assertThat(storage.events().read(build, 2, 1).getFirst())
                .isEqualTo(new StoredEvent(2, "log", EventJson.encode(log("one"))));
    }

    @Test
    void aFlushTakesEverythingAppendedWhileThePreviousOneRanAndOnlyOneRunsAtATime() throws Exception {
        long build = newBuild();
        Semaphore gate = new Semaphore(0);
        RecordingEventStore store = new RecordingEventStore(storage.events(), gate);
        BuildEventLog log = BuildEventLog.open(build, store, VIRTUAL, Long.MAX_VALUE);

        log.emit(log("first"));
        assertThat(store.appendEntered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 1000; i++) {
            log.emit(log("line " + i));
        }
        gate.release(Integer.MAX_VALUE / 2);
        log.close();

        assertThat(store.batches).containsExactly(1, 999);
        assertThat(store.maxConcurrentAppends.get()).isEqualTo(1);
        assertThat(stored(build)).extracting(SequencedEvent::sequence).containsExactlyElementsOf(range(1, 1000));
    }

    @Test
    void aBacklogIsStoredInBoundedBatches() {
        long build = newBuild();
        RecordingEventStore store = new RecordingEventStore(storage.events());
        BuildEventLog log = BuildEventLog.open(build, store, manual, Long.MAX_VALUE);
        int events = BuildEventLog.MAX_BATCH_EVENTS * 2 + 10;
        for (int i = 0; i < events; i++) {
            log.emit(log("x"));
        }
        manual.runAll();
        assertThat(store.batches).containsExactly(BuildEventLog.MAX_BATCH_EVENTS, BuildEventLog.MAX_BATCH_EVENTS, 10);
    }

    @Test
    void eightConcurrentEmittersGetGaplessSequencesAndKeepTheirOwnOrder() throws Exception {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), VIRTUAL, 1 << 20);
        RecordingSubscriber live = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(live);
        int threads = 8;
        int perThread = 10_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> emitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            emitters.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < perThread; i++) {
                    log.emit(log(id + ":" + i));
                }
            }));
        }
        go.countDown();
        for (Thread emitter : emitters) {
            emitter.join(TIMEOUT.toMillis());
        }
        log.close();
        live.awaitTerminal(TIMEOUT);

        List<SequencedEvent> events = live.events();
        assertThat(live.completed()).isTrue();
        assertThat(live.violations()).isEmpty();
        assertThat(events).extracting(SequencedEvent::sequence)
                .containsExactlyElementsOf(range(1, (long) threads * perThread));
        Map<String, Integer> next = new HashMap<>();
        for (SequencedEvent event : events) {
            String[] parts = text(event).split(":");
            int expected = next.getOrDefault(parts[0], 0);
            assertThat(Integer.parseInt(parts[1])).as("thread %s's order", parts[0]).isEqualTo(expected);
            next.put(parts[0], expected + 1);
        }
        assertThat(next.values()).containsOnly(perThread).hasSize(threads);
        assertThat(stored(build)).isEqualTo(events);
    }

    @Test
    void aLogContinuesAfterTheEventsItsBuildAlreadyStored() {
        long build = newBuild();
        BuildEventLog before = BuildEventLog.open(build, storage.events(), manual, 0);
        before.emit(log("before restart 1"));
        before.emit(log("before restart 2"));
        manual.runAll();

        BuildEventLog after = BuildEventLog.open(build, storage.events(), manual, 0);
        assertThat(after.lastSequence()).isEqualTo(2);
        after.emit(log("after restart"));
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        after.subscribe(1).subscribe(subscriber);
        after.close();
        manual.runAll();

        assertThat(subscriber.events()).extracting(BuildEventLogTest::text)
                .containsExactly("before restart 1", "before restart 2", "after restart");
        assertThat(subscriber.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(subscriber.completed()).isTrue();
        assertThat(stored(build)).hasSize(3);
    }

    @Test
    void timesAreWholeSecondsWhetherReadFromMemoryOrStore() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        log.emit(new BuildEvent.Log(T.plusMillis(999), STDOUT, "x"));
        RecordingSubscriber memory = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(memory);
        manual.runAll();
        assertThat(memory.events().getFirst().event()).isEqualTo(log("x"));
        assertThat(stored(build).getFirst().event()).isEqualTo(log("x"));
    }

    @Test
    void emittingAfterCloseIsABug() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, 0);
        log.emit(new BuildEvent.Status(T, BuildStatus.SUCCEEDED));
        log.close();
        assertThat(log.isClosed()).isTrue();
        assertThatThrownBy(() -> log.emit(log("late")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("event log is closed")
                .hasMessageContaining("with event 1");
    }

    @Test
    void whenTheStoreRefusesEventsSubscribersStillGetThemAndCloseSaysSo() {
        long noSuchBuild = 999_999;
        BuildEventLog log = BuildEventLog.open(noSuchBuild, storage.events(), manual, 0);
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        log.emit(log("a"));
        log.emit(log("b"));
        manual.runAll();
        assertThat(subscriber.events()).extracting(BuildEventLogTest::text).containsExactly("a", "b");

        assertThatThrownBy(log::close)
                .isInstanceOf(EventPersistenceException.class)
                .hasMessageContaining("cannot store build 999999's events 1 to 2")
                .hasMessageContaining("there is no build with id 999999");
        manual.runAll();
        assertThat(subscriber.completed()).isTrue();
        assertThat(log.storedSequence()).isZero();
    }

    @Test
    void aFailedFlushIsRetriedWithTheNextEvent() {
        long build = newBuild();
        int[] failures = {1};
        RecordingEventStore flaky = new RecordingEventStore(storage.events()) {
            @Override
            public void append(long buildId, List<StoredEvent> events) {
                if (failures[0]-- > 0) {
                    throw new IllegalStateException("connection reset");
                }
                super.append(buildId, events);
            }
        };
        BuildEventLog log = BuildEventLog.open(build, flaky, manual, 0);
        log.emit(log("a"));
        manual.runAll();
        assertThat(log.storedSequence()).isZero();
        log.emit(log("b"));
        manual.runAll();
        assertThat(log.storedSequence()).isEqualTo(2);
        log.close();
        assertThat(flaky.batches).containsExactly(2);
        assertThat(stored(build)).extracting(BuildEventLogTest::text).containsExactly("a", "b");
    }

    // ---- fencing

    @Test
    void aFencedLogStoresUnderItsLeaseAndOnceTheLeaseIsLostStoresNothingMoreNorRetries() {
        long build = newBuild();
        RecordingEventStore store = new RecordingEventStore(storage.events());
        dev.concourse.spi.storage.Lease lease = storage.leases().acquire("build:" + build, "node-a",
                Duration.ofMinutes(1)).orElseThrow();
        BuildEventLog log = BuildEventLog.open(build, store, manual, Long.MAX_VALUE);
        AtomicInteger told = new AtomicInteger();
        log.fence(lease, told::incrementAndGet);
        log.emit(log("a"));
        log.emit(log("b"));
        manual.runAll();
        assertThat(log.storedSequence()).isEqualTo(2);

        // Another node takes the lease over (it was released here, as after it lapsed) and goes on.
        storage.leases().release(lease);
        storage.leases().acquire("build:" + build, "node-b", Duration.ofMinutes(1)).orElseThrow();
        storage.events().append(build, List.of(EventJson.toStored(3, log("b's"))));

        log.emit(log("stale"));
        manual.runAll();
        assertThat(log.isFencedOut()).isTrue();
        assertThat(told).hasValue(1);
        log.emit(log("staler"));
        assertThat(manual.pending()).as("no flush, no retry once fenced out").isZero();
        log.close();
        assertThat(told).hasValue(1);
        assertThat(store.batches).containsExactly(2);
        assertThat(stored(build)).extracting(BuildEventLogTest::text).containsExactly("a", "b", "b's");
        assertThat(stored(build)).extracting(SequencedEvent::sequence).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aFencedLogThatLostItsLeaseBeforeTheOtherNodeWroteLeavesNoEventForItToCollideWith() {
        long build = newBuild();
        dev.concourse.spi.storage.Lease lease = storage.leases().acquire("build:" + build, "node-a",
                Duration.ofMinutes(1)).orElseThrow();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        AtomicInteger told = new AtomicInteger();
        log.fence(lease, told::incrementAndGet);
        log.emit(log("a"));
        manual.runAll();
        storage.leases().release(lease);
        storage.leases().acquire("build:" + build, "node-b", Duration.ofMinutes(1)).orElseThrow();

        // The old owner's events after the takeover are refused even though their sequence is free...
        log.emit(log("stale"));
        log.close();
        assertThat(told).hasValue(1);
        // ...so the new owner's log, opened after the takeover, continues right after "a".
        BuildEventLog taken = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        taken.emit(log("b's"));
        taken.close();
        assertThat(stored(build)).extracting(BuildEventLogTest::text).containsExactly("a", "b's");
        assertThat(stored(build)).extracting(SequencedEvent::sequence).containsExactly(1L, 2L);
    }

    @Test
    void aBatchTheStoreAppliedButReportedAsFailedIsNotAppendedTwice() {
        long build = newBuild();
        int[] failures = {1};
        RecordingEventStore lostCommit = new RecordingEventStore(storage.events()) {
            @Override
            public void append(long buildId, List<StoredEvent> events) {
                super.append(buildId, events);
                if (failures[0]-- > 0) {
                    throw new IllegalStateException("connection lost during commit");
                }
            }
        };
        BuildEventLog log = BuildEventLog.open(build, lostCommit, manual, 0);
        log.emit(log("a"));
        log.emit(log("b"));
        manual.runAll();
        log.emit(log("c"));
        log.close();
        assertThat(lostCommit.batches).containsExactly(2, 1);
        assertThat(stored(build)).extracting(BuildEventLogTest::text).containsExactly("a", "b", "c");
        RecordingSubscriber replay = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(replay);
        manual.runAll();
        assertThat(replay.events()).isEqualTo(stored(build));
    }

    // ---- subscribing

    @Test
    void subscribersStartWhereTheyAskAndFollowLiveEvents() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        for (int i = 1; i <= 10; i++) {
            log.emit(log("line " + i));
        }
        RecordingSubscriber fromZero = new RecordingSubscriber(Long.MAX_VALUE);
        RecordingSubscriber fromOne = new RecordingSubscriber(Long.MAX_VALUE);
        RecordingSubscriber fromMiddle = new RecordingSubscriber(Long.MAX_VALUE);
        RecordingSubscriber fromNext = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(0).subscribe(fromZero);
        log.subscribe(1).subscribe(fromOne);
        log.subscribe(5).subscribe(fromMiddle);
        log.subscribe(11).subscribe(fromNext);
        manual.runAll();

        assertThat(fromZero.sequences()).isEqualTo(range(1, 10));
        assertThat(fromOne.sequences()).isEqualTo(range(1, 10));
        assertThat(fromMiddle.sequences()).isEqualTo(range(5, 10));
        assertThat(fromNext.sequences()).isEmpty();

        log.emit(log("line 11"));
        manual.runAll();
        log.close();
        manual.runAll();

        for (RecordingSubscriber s : List.of(fromZero, fromOne, fromMiddle, fromNext)) {
            assertThat(s.sequences()).endsWith(11L);
            assertThat(s.completed()).isTrue();
            assertThat(s.violations()).isEmpty();
        }
        assertThat(fromNext.events()).extracting(BuildEventLogTest::text).containsExactly("line 11");
        assertThat(fromOne.events()).isEqualTo(stored(build));
        assertThatThrownBy(() -> log.subscribe(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmitSchedulesTheSameFewTasksWhetherOneOrAHundredSubscribersWait() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
            subscribers.add(subscriber);
            log.subscribe(1).subscribe(subscriber);
        }
        manual.runAll();

        log.emit(log("line 1"));
        // The first waiting reader's loop, one task signalling the other 99, one flush: signalling
        // 100 readers inline made the emitter pay for every subscriber on every event.
        assertThat(manual.pending()).isEqualTo(3);
        manual.runAll();
        log.emit(log("line 2"));
        assertThat(manual.pending()).isEqualTo(3);
        log.close();
        manual.runAll();

        for (RecordingSubscriber s : subscribers) {
            assertThat(s.sequences()).containsExactly(1L, 2L);
            assertThat(s.completed()).isTrue();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void aReaderThatCaughtUpIsNotWokenAgainBeforeTheNextEventYetStillGetsIt() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
            subscribers.add(subscriber);
            log.subscribe(1).subscribe(subscriber);
        }
        manual.runAll();

        log.emit(log("line 1"));
        // The first reader's loop runs first, delivers event 1 and queues for event 2; the wake
        // round that follows signals the other two and sets the first aside: waking it again
        // started a delivery task that found nothing (with many subscribers, over and over).
        assertThat(manual.runAll()).as("first reader, wake round, flush, two readers").isEqualTo(5);
        for (RecordingSubscriber s : subscribers) {
            assertThat(s.sequences()).containsExactly(1L);
        }

        log.emit(log("line 2"));
        manual.runAll();
        log.close();
        manual.runAll();
        for (RecordingSubscriber s : subscribers) {
            assertThat(s.sequences()).containsExactly(1L, 2L);
            assertThat(s.completed()).isTrue();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void aSlowSubscriberWithSmallDemandGetsExactlyWhatItAsksWhileOthersRaceAhead() {
        long build = newBuild();
        // A window of a few events: the slow reader falls behind memory and reads the store.
        BuildEventLog log = BuildEventLog.open(build, storage.events(), VIRTUAL, 2_000);
        int events = 3 * BuildEventLog.CHUNK_SIZE + 7;
        List<RecordingSubscriber> fast = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
            fast.add(subscriber);
            log.subscribe(1).subscribe(subscriber);
        }
        RecordingSubscriber slow = new RecordingSubscriber(0);
        log.subscribe(1).subscribe(slow);
        slow.awaitSubscribed(TIMEOUT);

        int expected = 0;
        for (int i = 1; i <= events; i++) {
            log.emit(log("line " + i));
            if (i % 400 == 0) {
                slow.request(3);
                expected += 3;
                slow.awaitEvents(expected, TIMEOUT);
                assertThat(slow.sequences()).as("the slow reader's events after %d emitted", i)
                        .isEqualTo(range(1, expected));
            }
        }
        log.close();
        for (RecordingSubscriber s : fast) {
            s.awaitTerminal(TIMEOUT);
            assertThat(s.sequences()).isEqualTo(range(1, events));
            assertThat(s.completed()).isTrue();
            assertThat(s.violations()).isEmpty();
        }
        assertThat(slow.sequences()).as("nothing beyond its demand").isEqualTo(range(1, expected));
        assertThat(slow.completed()).isFalse();
        slow.request(Long.MAX_VALUE);
        slow.awaitTerminal(TIMEOUT);
        assertThat(slow.events()).isEqualTo(stored(build));
        assertThat(slow.completed()).isTrue();
        assertThat(slow.violations()).isEmpty();
    }

    @Test
    void afterCloseSubscribersAndReplaysGetTheWholeLogThenComplete() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, Long.MAX_VALUE);
        for (int i = 1; i <= 200; i++) {
            log.emit(log("line " + i));
        }
        log.close();
        manual.runAll();

        RecordingSubscriber late = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(late);
        RecordingSubscriber replay = new RecordingSubscriber(Long.MAX_VALUE);
        BuildEventLog.replay(storage.events(), build, 0, manual).subscribe(replay);
        RecordingSubscriber replayTail = new RecordingSubscriber(Long.MAX_VALUE);
        BuildEventLog.replay(storage.events(), build, 150, manual).subscribe(replayTail);
        RecordingSubscriber replayPastTheEnd = new RecordingSubscriber(Long.MAX_VALUE);
        BuildEventLog.replay(storage.events(), build, 201, manual).subscribe(replayPastTheEnd);
        manual.runAll();

        assertThat(late.sequences()).isEqualTo(range(1, 200));
        assertThat(replay.events()).isEqualTo(late.events());
        assertThat(replayTail.sequences()).isEqualTo(range(150, 200));
        assertThat(replayPastTheEnd.events()).isEmpty();
        for (RecordingSubscriber s : List.of(late, replay, replayTail, replayPastTheEnd)) {
            assertThat(s.completed()).isTrue();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void aReplayPagesThroughTheStoreAtTheSubscribersPace() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, 0);
        int events = EventSubscription.PAGE_SIZE * 3 + 5;
        for (int i = 1; i <= events; i++) {
            log.emit(log("line " + i));
        }
        log.close();
        manual.runAll();
        RecordingEventStore store = new RecordingEventStore(storage.events());
        RecordingSubscriber replay = new RecordingSubscriber(1);
        BuildEventLog.replay(store, build, 1, manual).subscribe(replay);
        manual.runAll();
        assertThat(replay.sequences()).containsExactly(1L);
        assertThat(store.reads.get()).isEqualTo(1);

        replay.request(Long.MAX_VALUE);
        manual.runAll();
        assertThat(replay.sequences()).isEqualTo(range(1, events));
        assertThat(store.reads.get()).isEqualTo(4);
        assertThat(replay.completed()).isTrue();
    }

    @Test
    void aReplayOfABuildWithoutEventsCompletesAtOnce() {
        RecordingSubscriber replay = new RecordingSubscriber(0);
        BuildEventLog.replay(storage.events(), newBuild(), 1, manual).subscribe(replay);
        manual.runAll();
        assertThat(replay.completed()).isTrue();
        assertThat(replay.events()).isEmpty();
    }

    @Test
    void aSubscriberJoiningMidBuildFromOneSeesTheWholeLogFromStoreThenMemory() {
        long build = newBuild();
        RecordingEventStore store = new RecordingEventStore(storage.events());
        // A window of about ten events: most of the log is only in the store by the time it joins.
        BuildEventLog log = BuildEventLog.open(build, store, manual, 10 * (64 + 8));
        for (int i = 1; i <= 500; i++) {
            log.emit(log(String.format("line%04d", i)));
            if (i % 50 == 0) {
                manual.runAll();
            }
        }
        RecordingSubscriber joiner = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(joiner);
        manual.runAll();
        assertThat(joiner.sequences()).isEqualTo(range(1, 500));
        assertThat(store.reads.get()).as("pages read from the store").isGreaterThanOrEqualTo(490 / EventSubscription.PAGE_SIZE);

        int readsWhenCaughtUp = store.reads.get();
        log.emit(log("line0501"));
        log.close();
        manual.runAll();
        assertThat(joiner.sequences()).isEqualTo(range(1, 501));
        assertThat(store.reads.get()).as("live events come from memory").isEqualTo(readsWhenCaughtUp);
        assertThat(joiner.events()).isEqualTo(stored(build));
        assertThat(joiner.completed()).isTrue();
    }

    @Test
    void resumingAfterCancelLosesAndRepeatsNothing() throws InterruptedException {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), VIRTUAL, 4096);
        int total = 20_000;
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int i = 1; i <= total; i++) {
                log.emit(log("line " + i));
            }
            log.close();
        });
        List<SequencedEvent> seen = new ArrayList<>();
        long from = 1;
        int resubscriptions = 0;
        while (seen.isEmpty() || seen.getLast().sequence() < total) {
            int stopAfter = 997 + resubscriptions;
            RecordingSubscriber part = new RecordingSubscriber(Long.MAX_VALUE) {
                int received;

                @Override
                void onEvent(SequencedEvent event) {
                    if (++received == stopAfter) {
                        cancel();
                    }
                }
            };
            log.subscribe(from).subscribe(part);
            part.awaitEvents(stopAfter, TIMEOUT);
            assertThat(part.violations()).isEmpty();
            assertThat(part.events().size()).as("nothing after cancel").isLessThanOrEqualTo(stopAfter);
            seen.addAll(part.events());
            from = seen.getLast().sequence() + 1;
            resubscriptions++;
        }
        assertThat(seen).extracting(SequencedEvent::sequence).containsExactlyElementsOf(range(1, total));
        assertThat(resubscriptions).isGreaterThan(10);
        producer.join(TIMEOUT.toMillis());
        assertThat(seen).isEqualTo(stored(build));
    }

    @Test
    void cancelStopsDelivery() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        log.emit(log("a"));
        manual.runAll();
        subscriber.cancel();
        subscriber.cancel();
        log.emit(log("b"));
        log.close();
        manual.runAll();
        assertThat(subscriber.events()).extracting(BuildEventLogTest::text).containsExactly("a");
        assertThat(subscriber.completed()).isFalse();
        assertThat(subscriber.error()).isNull();
    }

    // ---- delivery loops that linger on their virtual threads

    /** A virtual thread per task, counting the delivery loops' tasks as they start and end. */
    private static final class LoopCountingExecutor implements Executor {
        final AtomicInteger loopsStarted = new AtomicInteger();
        final Semaphore loopsEnded = new Semaphore(0);

        @Override
        public void execute(Runnable task) {
            boolean loop = task instanceof EventSubscription;
            if (loop) {
                loopsStarted.incrementAndGet();
            }
            Thread.ofVirtual().name("event-log-linger-test").start(() -> {
                try {
                    task.run();
                } finally {
                    if (loop) {
                        loopsEnded.release();
                    }
                }
            });
        }

        boolean awaitLoopsEnded(int loops) throws InterruptedException {
            return loopsEnded.tryAcquire(loops, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private BuildEventLog lingeringLog(Executor executor, Duration linger) {
        return BuildEventLog.open(newBuild(), storage.events(), executor, Long.MAX_VALUE, linger);
    }

    /** Emits lines 1 to {@code lines}, each once the subscriber has the one before. */
    private static void emitLinesOneByOne(BuildEventLog log, RecordingSubscriber subscriber, int lines) {
        for (int i = 1; i <= lines; i++) {
            log.emit(log("line " + i));
            subscriber.awaitEvents(i, TIMEOUT);
        }
    }

    @Test
    void aLoopThatCaughtUpIsWokenOnItsLingeringThreadInsteadOfANewTask() throws InterruptedException {
        LoopCountingExecutor executor = new LoopCountingExecutor();
        BuildEventLog log = lingeringLog(executor, Duration.ofMinutes(10));
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        // Each event finds the loop caught up (parked, or about to park), never without a thread.
        emitLinesOneByOne(log, subscriber, 20);
        log.close();
        subscriber.awaitTerminal(TIMEOUT);

        assertThat(subscriber.sequences()).isEqualTo(range(1, 20));
        assertThat(subscriber.completed()).isTrue();
        assertThat(subscriber.violations()).isEmpty();
        assertThat(executor.loopsStarted).as("delivery tasks started").hasValue(1);
        assertThat(executor.awaitLoopsEnded(1)).as("the loop ended with the subscription").isTrue();
    }

    @Test
    void aLingeringLoopGivesItsThreadBackAfterTheLingerAndTheNextEventStartsANewOne() throws InterruptedException {
        LoopCountingExecutor executor = new LoopCountingExecutor();
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), executor, Long.MAX_VALUE,
                Duration.ofMillis(20));
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        log.emit(log("a"));
        subscriber.awaitEvents(1, TIMEOUT);
        assertThat(executor.awaitLoopsEnded(1)).as("the idle loop gave its thread back").isTrue();

        log.emit(log("b"));
        subscriber.awaitEvents(2, TIMEOUT);
        assertThat(executor.loopsStarted).as("delivery tasks started").hasValue(2);
        log.close();
        subscriber.awaitTerminal(TIMEOUT);
        assertThat(subscriber.events()).extracting(BuildEventLogTest::text).containsExactly("a", "b");
        assertThat(subscriber.completed()).isTrue();
        assertThat(executor.awaitLoopsEnded(1)).isTrue();
    }

    @Test
    void aLoopWokenDuringItsLingerGivesItsThreadBackAfterTheLastLingerEnds() throws InterruptedException {
        // The linger timer, armed by the first linger, fires before the later lingers end: it must
        // wait for the last one rather than forget the loop (which would then hold its thread).
        LoopCountingExecutor executor = new LoopCountingExecutor();
        BuildEventLog log = lingeringLog(executor, Duration.ofMillis(20));
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        emitLinesOneByOne(log, subscriber, 5);
        // (One loop unless this thread was held up for more than a linger between two events.)
        int started = executor.loopsStarted.get();
        assertThat(executor.awaitLoopsEnded(started)).as("the idle loop gave its thread back").isTrue();

        log.emit(log("after"));
        subscriber.awaitEvents(6, TIMEOUT);
        log.close();
        subscriber.awaitTerminal(TIMEOUT);
        assertThat(subscriber.sequences()).isEqualTo(range(1, 6));
        assertThat(subscriber.completed()).isTrue();
        assertThat(executor.awaitLoopsEnded(1)).isTrue();
    }

    @Test
    void aLoopLingeringWithoutDemandIsWokenByRequestAndEndedByCancel() throws InterruptedException {
        LoopCountingExecutor executor = new LoopCountingExecutor();
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), executor, Long.MAX_VALUE,
                Duration.ofMinutes(10));
        RecordingSubscriber subscriber = new RecordingSubscriber(1);
        log.subscribe(1).subscribe(subscriber);
        log.emit(log("a"));
        log.emit(log("b"));
        log.emit(log("c"));
        subscriber.awaitEvents(1, TIMEOUT);
        subscriber.request(1);
        subscriber.awaitEvents(2, TIMEOUT);
        subscriber.cancel();
        assertThat(executor.awaitLoopsEnded(1)).as("cancel ended the lingering loop long before its linger").isTrue();

        log.emit(log("d"));
        log.close();
        assertThat(subscriber.events()).extracting(BuildEventLogTest::text).containsExactly("a", "b");
        assertThat(subscriber.completed()).isFalse();
        assertThat(subscriber.error()).isNull();
        assertThat(subscriber.violations()).isEmpty();
        assertThat(executor.loopsStarted).as("delivery tasks started").hasValue(1);
    }

    @Test
    void shuttingTheExecutorDownEndsLingeringLoops() throws InterruptedException {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), executor, Long.MAX_VALUE,
                Duration.ofMinutes(10));
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
            log.subscribe(1).subscribe(subscriber);
            subscribers.add(subscriber);
        }
        log.emit(log("a"));
        for (RecordingSubscriber subscriber : subscribers) {
            subscriber.awaitEvents(1, TIMEOUT);
        }
        executor.shutdownNow();
        assertThat(executor.awaitTermination(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void aNegativeLingerIsRefused() {
        assertThatThrownBy(() -> BuildEventLog.open(newBuild(), storage.events(), manual, 0, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linger");
    }

    // ---- backpressure and the Flow contract

    @Test
    void aSubscriberGetsExactlyWhatItRequests() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        for (int i = 1; i <= 20; i++) {
            log.emit(log("line " + i));
        }
        RecordingSubscriber subscriber = new RecordingSubscriber(0);
        log.subscribe(1).subscribe(subscriber);
        manual.runAll();
        assertThat(subscriber.subscription()).isNotNull();
        assertThat(subscriber.events()).isEmpty();

        subscriber.request(1);
        manual.runAll();
        assertThat(subscriber.sequences()).containsExactly(1L);
        log.emit(log("line 21"));
        manual.runAll();
        assertThat(subscriber.sequences()).containsExactly(1L);

        subscriber.request(3);
        manual.runAll();
        assertThat(subscriber.sequences()).isEqualTo(range(1, 4));

        subscriber.request(Long.MAX_VALUE - 1);
        subscriber.request(Long.MAX_VALUE);
        manual.runAll();
        assertThat(subscriber.sequences()).isEqualTo(range(1, 21));
        log.emit(log("line 22"));
        manual.runAll();
        assertThat(subscriber.sequences()).isEqualTo(range(1, 22));
        assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void requestsFromOnNextAddUpWithoutRecursion() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        int events = 50_000;
        for (int i = 1; i <= events; i++) {
            log.emit(log("x"));
        }
        log.close();
        RecordingSubscriber oneAtATime = new RecordingSubscriber(1) {
            @Override
            void onEvent(SequencedEvent event) {
                request(1);
            }
        };
        log.subscribe(1).subscribe(oneAtATime);
        manual.runAll();
        assertThat(oneAtATime.events()).hasSize(events);
        assertThat(oneAtATime.completed()).isTrue();
        assertThat(oneAtATime.violations()).isEmpty();
    }

    @Test
    void aNonPositiveRequestEndsTheSubscriptionWithAnError() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        log.emit(log("a"));
        log.emit(log("b"));
        RecordingSubscriber subscriber = new RecordingSubscriber(1);
        log.subscribe(1).subscribe(subscriber);
        manual.runAll();
        subscriber.request(0);
        subscriber.request(5);
        manual.runAll();
        assertThat(subscriber.sequences()).containsExactly(1L);
        assertThat(subscriber.error())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request(0)")
                .hasMessageContaining("rule 3.9");
        assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void completionNeedsNoDemand() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        log.emit(log("a"));
        RecordingSubscriber subscriber = new RecordingSubscriber(1);
        log.subscribe(1).subscribe(subscriber);
        manual.runAll();
        assertThat(subscriber.completed()).isFalse();
        log.close();
        manual.runAll();
        assertThat(subscriber.sequences()).containsExactly(1L);
        assertThat(subscriber.completed()).isTrue();
    }

    @Test
    void aSubscriberThatThrowsIsCancelledAndToldWhy() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        log.emit(log("a"));
        log.emit(log("b"));
        IllegalStateException bug = new IllegalStateException("subscriber bug");
        RecordingSubscriber throwing = new RecordingSubscriber(Long.MAX_VALUE) {
            @Override
            void onEvent(SequencedEvent event) {
                throw bug;
            }
        };
        RecordingSubscriber other = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(throwing);
        log.subscribe(1).subscribe(other);
        manual.runAll();
        log.emit(log("c"));
        manual.runAll();
        assertThat(throwing.sequences()).containsExactly(1L);
        assertThat(throwing.error()).isSameAs(bug);
        assertThat(other.sequences()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void whenTheExecutorRefusesWorkSubscribersAreToldAndCloseStillStores() {
        long build = newBuild();
        Executor shutDown = task -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        };
        BuildEventLog log = BuildEventLog.open(build, storage.events(), shutDown, Long.MAX_VALUE);
        log.emit(log("a"));
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        assertThat(subscriber.subscription()).isNotNull();
        assertThat(subscriber.error()).hasMessageContaining("cannot deliver build " + build + "'s events")
                .hasRootCauseMessage("shut down");
        assertThat(subscriber.violations()).isEmpty();
        log.emit(log("b"));
        log.close();
        assertThat(stored(build)).extracting(BuildEventLogTest::text).containsExactly("a", "b");
    }

    @Test
    void subscribeRejectsNull() {
        BuildEventLog log = BuildEventLog.open(newBuild(), storage.events(), manual, Long.MAX_VALUE);
        assertThatThrownBy(() -> log.subscribe(1).subscribe(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aReplayThatCannotReadTheStoreEndsWithAnErrorNamingTheBuild() {
        BuildEventStore broken = new RecordingEventStore(storage.events()) {
            @Override
            public long lastSequence(long buildId) {
                throw new IllegalStateException("connection refused");
            }
        };
        RecordingSubscriber replay = new RecordingSubscriber(Long.MAX_VALUE);
        BuildEventLog.replay(broken, 77, 1, manual).subscribe(replay);
        manual.runAll();
        assertThat(replay.error()).hasMessageContaining("connection refused");
        assertThat(replay.violations()).isEmpty();
    }

    @Test
    void aSubscriberWhoseEventsWereDeletedGetsAnError() {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), manual, 0);
        log.emit(log("a"));
        log.emit(log("b"));
        manual.runAll();
        storage.events().deleteEvents(build);
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        log.subscribe(1).subscribe(subscriber);
        manual.runAll();
        assertThat(subscriber.error()).hasMessage("build " + build
                + "'s event 1 is neither in memory nor in storage (deleted by log retention?)");
    }
}
