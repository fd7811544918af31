package dev.concourse.internal.event;

import dev.concourse.event.SequencedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Records what a publisher signals, and checks the Reactive Streams rules a subscriber can see:
 * onSubscribe once and first, signals one at a time, nothing after a terminal signal, never more
 * events than requested.
 */
class RecordingSubscriber implements Flow.Subscriber<SequencedEvent> {
    private final long initialRequest;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicBoolean inSignal = new AtomicBoolean();
    private final List<SequencedEvent> events = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private Flow.Subscription subscription;
    private long requested;
    private boolean completed;
    private Throwable error;

    /** @param initialRequest requested in onSubscribe; 0 for none */
    RecordingSubscriber(long initialRequest) {
        this.initialRequest = initialRequest;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        enter("onSubscribe");
        try {
            update(() -> {
                if (subscription != null) {
                    violations.add("onSubscribe called twice");
                }
                subscription = s;
            });
            if (initialRequest > 0) {
                request(initialRequest);
            }
        } finally {
            inSignal.set(false);
        }
    }

    @Override
    public void onNext(SequencedEvent event) {
        enter("onNext");
        try {
            update(() -> {
                if (requested == 0) {
                    violations.add("onNext of " + event.sequence() + " without demand");
                } else if (requested != Long.MAX_VALUE) {
                    requested--;
                }
                events.add(event);
            });
            onEvent(event);
        } finally {
            inSignal.set(false);
        }
    }

    /** For subclasses: runs after an event is recorded, still inside onNext. */
    void onEvent(SequencedEvent event) {
    }

    @Override
    public void onError(Throwable throwable) {
        enter("onError");
        try {
            update(() -> error = throwable);
        } finally {
            inSignal.set(false);
        }
    }

    @Override
    public void onComplete() {
        enter("onComplete");
        try {
            update(() -> completed = true);
        } finally {
            inSignal.set(false);
        }
    }

    void request(long n) {
        update(() -> requested = n > 0 && requested + n < 0 ? Long.MAX_VALUE : requested + Math.max(n, 0));
        subscription().request(n);
    }

    void cancel() {
        subscription().cancel();
    }

    Flow.Subscription subscription() {
        return read(() -> subscription);
    }

    List<SequencedEvent> events() {
        return read(() -> List.copyOf(events));
    }

    List<Long> sequences() {
        return events().stream().map(SequencedEvent::sequence).toList();
    }

    boolean completed() {
        return read(() -> completed);
    }

    Throwable error() {
        return read(() -> error);
    }

    List<String> violations() {
        return read(() -> List.copyOf(violations));
    }

    /** Waits until {@code count} events arrived, or the subscription ended. */
    RecordingSubscriber awaitEvents(int count, Duration timeout) {
        await(() -> events.size() >= count || completed || error != null, timeout, count + " events");
        return this;
    }

    /** Waits for onSubscribe. */
    RecordingSubscriber awaitSubscribed(Duration timeout) {
        await(() -> subscription != null, timeout, "onSubscribe");
        return this;
    }

    /** Waits for onComplete or onError. */
    RecordingSubscriber awaitTerminal(Duration timeout) {
        await(() -> completed || error != null, timeout, "completion");
        return this;
    }

    private void enter(String signal) {
        if (!inSignal.compareAndSet(false, true)) {
            update(() -> violations.add(signal + " while another signal was running"));
        }
        update(() -> {
            if (completed || error != null) {
                violations.add(signal + " after a terminal signal");
            }
            if (subscription == null && !signal.equals("onSubscribe")) {
                violations.add(signal + " before onSubscribe");
            }
        });
    }

    private void await(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; got "
                            + events.size() + " events, completed=" + completed + ", error=" + error);
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        } finally {
            lock.unlock();
        }
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T read(java.util.function.Supplier<T> value) {
        lock.lock();
        try {
            return value.get();
        } finally {
            lock.unlock();
        }
    }
}
