package dev.concourse.benchmarks.event;

import dev.concourse.event.SequencedEvent;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The fan-out baseline: the least a live log must do. One writer stores each event in a shared
 * array and publishes the count; each reader is a task on the same kind of executor as the
 * engine's, walking the array with its own cursor and parking when it has caught up, woken by
 * the writer. No storage, no backpressure, no resuming from the store: only the unavoidable work.
 */
final class ArrayLog {
    private final SequencedEvent[] events;
    private final Queue<Reader> waiting = new ConcurrentLinkedQueue<>();
    private volatile int published;
    private volatile boolean closed;

    ArrayLog(int capacity) {
        events = new SequencedEvent[capacity];
    }

    void append(SequencedEvent event) {
        int n = published;
        events[n] = event;
        published = n + 1;
        wake();
    }

    void close() {
        closed = true;
        wake();
    }

    /** Starts a reader on the executor; it hands every event to the consumer, then counts down {@code done}. */
    void read(Executor executor, EventCheck consumer, CountDownLatch done) {
        executor.execute(new Reader(consumer, done)::run);
    }

    private void wake() {
        Reader reader;
        while ((reader = waiting.poll()) != null) {
            reader.queued.set(false);
            LockSupport.unpark(reader.thread);
        }
    }

    private final class Reader {
        final AtomicBoolean queued = new AtomicBoolean();
        final EventCheck consumer;
        final CountDownLatch done;
        volatile Thread thread;

        Reader(EventCheck consumer, CountDownLatch done) {
            this.consumer = consumer;
            this.done = done;
        }

        void run() {
            thread = Thread.currentThread();
            int cursor = 0;
            for (;;) {
                int available = published;
                while (cursor < available) {
                    consumer.accept(events[cursor++]);
                }
                if (closed && cursor == published) {
                    done.countDown();
                    return;
                }
                if (queued.compareAndSet(false, true)) {
                    waiting.add(this);
                }
                if (cursor == published && !closed) {
                    LockSupport.park(this);
                }
            }
        }
    }
}
