package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import dev.concourse.storage.InMemoryStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Big logs, slow subscribers, many subscribers: with real threads and the real in-memory store. */
class BuildEventLogLoadTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final Origin STDOUT = new Origin("task", Origin.Source.STDOUT);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("event-log-load").start(task);

    private final InMemoryStorage storage = new InMemoryStorage();

    private long newBuild() {
        storage.teams().createIfAbsent("main");
        return storage.builds().createOneOffBuild("main", T).id();
    }

    /**
     * 100 MiB of output in 64 KiB chunks, a fast subscriber and a slow one: both get every byte in
     * order, and the build (emitting, then closing, which stores the rest) is done long before the
     * slow subscriber is halfway.
     */
    @Test
    void aSlowSubscriberSlowsNeitherTheBuildNorAFastSubscriber(TestReporter report) throws Exception {
        long build = newBuild();
        int chunk = 64 * 1024;
        int events = 1600;
        BuildEventLog log = BuildEventLog.open(build, storage.events(), VIRTUAL, EventLogs.DEFAULT_RESIDENT_BUDGET);

        ChecksumSubscriber fast = new ChecksumSubscriber(Long.MAX_VALUE, 0);
        ChecksumSubscriber slow = new ChecksumSubscriber(1, 12);
        log.subscribe(1).subscribe(fast);
        log.subscribe(1).subscribe(slow);

        long started = System.nanoTime();
        char[] text = new char[chunk];
        for (int i = 1; i <= events; i++) {
            log.emit(new BuildEvent.Log(T, STDOUT, payload(text, i)));
        }
        long emitted = System.nanoTime();
        log.close();
        long closed = System.nanoTime();
        long slowWhenBuildDone = slow.count.get();

        fast.await();
        long fastDone = System.nanoTime();
        long slowWhenFastDone = slow.count.get();
        slow.await();
        long slowDone = System.nanoTime();

        Checksum expected = new Checksum();
        for (int i = 1; i <= events; i++) {
            expected.add(i, payload(text, i));
        }
        for (ChecksumSubscriber s : List.of(fast, slow)) {
            assertThat(s.error).isNull();
            assertThat(s.count.get()).isEqualTo(events);
            assertThat(s.bytes).isEqualTo((long) events * chunk);
            assertThat(s.checksum.value()).isEqualTo(expected.value());
        }
        assertThat(storage.events().lastSequence(build)).isEqualTo(events);
        publish(report, "100 MiB log", String.format(Locale.ROOT,
                "emit %d ms, close %d ms, fast subscriber done at %d ms, slow at %d ms;"
                        + " slow had %d of %d events when the build was done, %d when the fast one was",
                ms(emitted - started), ms(closed - emitted), ms(fastDone - started), ms(slowDone - started),
                slowWhenBuildDone, events, slowWhenFastDone));
        assertThat(slowWhenBuildDone).as("slow subscriber's events when the build was done").isLessThan(events / 2);
        assertThat(slowWhenFastDone).as("slow subscriber's events when the fast one was done")
                .isLessThan(events * 9L / 10);
    }

    /**
     * Races everything at once: four emitters, a memory window of a few events (so readers keep
     * falling back to the store while the flusher drops what they were about to read), subscribers
     * joining mid-build from sequence 1 or from where the log is, with demand from onNext in random
     * batches or from another thread in random amounts; with delivery loops that give their thread
     * back at once, that linger about as long as the gaps between events (so signals race the end
     * of the linger), and that linger throughout.
     */
    @ParameterizedTest(name = "delivery loops linger {0} ns")
    @ValueSource(longs = {0, 20_000, 50_000_000})
    void concurrentSubscribersWithRandomDemandAndATinyWindow(long lingerNanos) throws Exception {
        long build = newBuild();
        BuildEventLog log = BuildEventLog.open(build, storage.events(), VIRTUAL, 2_000, Duration.ofNanos(lingerNanos));
        int emitters = 4;
        int perEmitter = 5_000;
        int total = emitters * perEmitter;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < emitters; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(go);
                for (int i = 0; i < perEmitter; i++) {
                    log.emit(new BuildEvent.Log(T, STDOUT, "line " + i));
                }
            }));
        }
        java.util.Random random = new java.util.Random(42);
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        go.countDown();
        for (int i = 0; i < 24; i++) {
            long from = i % 3 == 0 ? 1 : log.lastSequence() + 1;
            RecordingSubscriber subscriber;
            if (i % 2 == 0) {
                int seed = random.nextInt();
                subscriber = new RecordingSubscriber(1 + random.nextInt(50)) {
                    private final java.util.Random batches = new java.util.Random(seed);
                    private long outstanding = -1;

                    @Override
                    void onEvent(SequencedEvent event) {
                        if (outstanding < 0) {
                            outstanding = events().size();
                        }
                        if (--outstanding <= 0) {
                            outstanding = 1 + batches.nextInt(50);
                            request(outstanding);
                        }
                    }
                };
            } else {
                subscriber = new RecordingSubscriber(0);
            }
            log.subscribe(from).subscribe(subscriber);
            subscribers.add(subscriber);
            starts.add(from);
        }
        for (int i = 1; i < subscribers.size(); i += 2) {
            RecordingSubscriber subscriber = subscribers.get(i);
            int seed = random.nextInt();
            threads.add(Thread.ofPlatform().start(() -> {
                java.util.Random amounts = new java.util.Random(seed);
                while (subscriber.subscription() == null) {
                    Thread.onSpinWait();
                }
                for (long requested = 0; requested < total; ) {
                    long n = 1 + amounts.nextInt(200);
                    subscriber.request(n);
                    requested += n;
                }
            }));
        }
        for (Thread thread : threads.subList(0, emitters)) {
            thread.join(TIMEOUT.toMillis());
        }
        log.close();
        for (Thread thread : threads) {
            thread.join(TIMEOUT.toMillis());
        }
        List<SequencedEvent> stored = storage.events().read(build, 1, total).stream()
                .map(e -> EventJson.decode(build, e)).toList();
        assertThat(stored).hasSize(total);
        for (int i = 0; i < subscribers.size(); i++) {
            RecordingSubscriber subscriber = subscribers.get(i);
            subscriber.awaitTerminal(TIMEOUT);
            long from = starts.get(i);
            assertThat(subscriber.violations()).as("subscriber %d", i).isEmpty();
            assertThat(subscriber.error()).as("subscriber %d", i).isNull();
            assertThat(subscriber.events()).as("subscriber %d from %d", i, from)
                    .isEqualTo(stored.subList((int) from - 1, total));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Measures fan-out (JMH comes later): a burst of short log lines to 1 and to 100 subscribers,
     * after a warm-up round. Asserts only that everyone got everything; reports the rates.
     */
    @Test
    void fanOutThroughput(TestReporter report) throws Exception {
        fanOut(1, 100_000, null);
        fanOut(1, 500_000, report);
        fanOut(100, 50_000, report);
    }

    private void fanOut(int subscribers, int events, TestReporter report) throws Exception {
        long build = newBuild();
        long budget = Long.getLong("budget", EventLogs.DEFAULT_RESIDENT_BUDGET);
        BuildEventLog log = BuildEventLog.open(build, storage.events(), VIRTUAL, budget);
        List<ChecksumSubscriber> all = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            ChecksumSubscriber s = new ChecksumSubscriber(Long.MAX_VALUE, 0);
            all.add(s);
            log.subscribe(1).subscribe(s);
        }
        String line = "the quick brown fox jumps over the lazy dog, 0123456789, ".repeat(2);
        long started = System.nanoTime();
        for (int i = 1; i <= events; i++) {
            log.emit(new BuildEvent.Log(T, STDOUT, line));
        }
        long emitted = System.nanoTime();
        log.close();
        long stored = System.nanoTime();
        long lastDelivery = started;
        for (ChecksumSubscriber s : all) {
            s.await();
            assertThat(s.error).isNull();
            assertThat(s.count.get()).isEqualTo(events);
            lastDelivery = Math.max(lastDelivery, s.completedAt);
        }
        if (report != null) {
            publish(report, "fan-out to " + subscribers, String.format(Locale.ROOT,
                    "%,d events of %d chars: emitted at %,.0f events/s, stored by %d ms; delivered to all %d"
                            + " subscribers by %d ms: %,.0f events/s, %,.0f deliveries/s",
                    events, line.length(), events / seconds(emitted - started), ms(stored - started), subscribers,
                    ms(lastDelivery - started), events / seconds(lastDelivery - started),
                    (double) events * subscribers / seconds(lastDelivery - started)));
        }
    }

    private static void publish(TestReporter report, String key, String value) {
        report.publishEntry(key, value);
    }

    private static String payload(char[] text, int sequence) {
        for (int i = 0; i < text.length; i++) {
            text[i] = (char) ('a' + (sequence * 31 + i) % 26);
        }
        return new String(text);
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** A running checksum over (sequence, payload) pairs. */
    private static final class Checksum {
        private final CRC32 crc = new CRC32();

        void add(long sequence, String payload) {
            crc.update((int) sequence);
            crc.update(payload.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        long value() {
            return crc.getValue();
        }
    }

    /** Checksums what it gets; requests {@code batch} at a time and does {@code work} rounds of hashing per event. */
    private static final class ChecksumSubscriber implements Flow.Subscriber<SequencedEvent> {
        private final long batch;
        private final int work;
        private final CountDownLatch done = new CountDownLatch(1);
        final AtomicLong count = new AtomicLong();
        final Checksum checksum = new Checksum();
        long bytes;
        long sink;
        volatile Throwable error;
        volatile long completedAt;
        private Flow.Subscription subscription;

        ChecksumSubscriber(long batch, int work) {
            this.batch = batch;
            this.work = work;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(batch);
        }

        @Override
        public void onNext(SequencedEvent event) {
            String payload = ((BuildEvent.Log) event.event()).payload();
            checksum.add(event.sequence(), payload);
            bytes += payload.length();
            // The deliberately slow part: CPU work, no sleeping.
            for (int round = 0; round < work; round++) {
                int h = round;
                for (int i = 0; i < payload.length(); i++) {
                    h = h * 31 + payload.charAt(i);
                }
                sink += h;
            }
            count.incrementAndGet();
            if (batch != Long.MAX_VALUE) {
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            done.countDown();
        }

        @Override
        public void onComplete() {
            completedAt = System.nanoTime();
            done.countDown();
        }

        void await() throws InterruptedException {
            if (!done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("subscriber got " + count.get() + " events and no completion in " + TIMEOUT);
            }
        }
    }
}
