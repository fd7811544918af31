package dev.concourse.db;

import dev.concourse.event.SequencedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/** Takes every event of a build and notes when each arrived ({@link System#nanoTime()}). */
final class TimedSubscriber implements Flow.Subscriber<SequencedEvent> {
    private final List<SequencedEvent> events = new ArrayList<>();
    private final Map<Long, Long> arrivals = new TreeMap<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable error;
    private volatile boolean completed;

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(SequencedEvent event) {
        arrivals.put(event.sequence(), System.nanoTime());
        events.add(event);
        notifyAll();
    }

    @Override
    public void onError(Throwable throwable) {
        error = throwable;
        done.countDown();
        synchronized (this) {
            notifyAll();
        }
    }

    @Override
    public void onComplete() {
        completed = true;
        done.countDown();
        synchronized (this) {
            notifyAll();
        }
    }

    synchronized List<SequencedEvent> events() {
        return List.copyOf(events);
    }

    synchronized Map<Long, Long> arrivals() {
        return new TreeMap<>(arrivals);
    }

    boolean completed() {
        return completed;
    }

    Throwable error() {
        return error;
    }

    /** Waits for completion or an error, at most {@code timeout}; true if it came. */
    boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until at least {@code count} events arrived (or the end), at most {@code timeout}. */
    synchronized boolean awaitEvents(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count && done.getCount() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return events.size() >= count;
    }

    /**
     * How much later than {@code first} this one got each event both got after {@code since}: the
     * sorted delays in microseconds.
     */
    static List<Long> delaysMicros(TimedSubscriber first, TimedSubscriber second, long since) {
        Map<Long, Long> a = first.arrivals();
        Map<Long, Long> b = second.arrivals();
        List<Long> delays = new ArrayList<>();
        a.forEach((sequence, at) -> {
            Long later = b.get(sequence);
            if (later != null && at > since) {
                delays.add((later - at) / 1_000);
            }
        });
        delays.sort(null);
        return delays;
    }

    /** "median / p95 / max" of sorted delays, in milliseconds. */
    static String summary(List<Long> sortedMicros) {
        if (sortedMicros.isEmpty()) {
            return "no samples";
        }
        return "%d events: median %.1f ms, p95 %.1f ms, max %.1f ms".formatted(sortedMicros.size(),
                sortedMicros.get(sortedMicros.size() / 2) / 1000.0,
                sortedMicros.get((int) (sortedMicros.size() * 0.95)) / 1000.0,
                sortedMicros.getLast() / 1000.0);
    }

    /** The system load average, to print with figures measured on a shared machine. */
    static String load() {
        return "%.1f".formatted(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }
}
