package dev.concourse.internal.exec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Steps of one build waiting for a worker (a placement strategy refused them all), woken early
 * when another step of the build releases its worker; otherwise they poll. Thread-safe.
 */
final class WorkerWaits {
    private final Set<CountDownLatch> waiting = ConcurrentHashMap.newKeySet();

    CountDownLatch register() {
        CountDownLatch latch = new CountDownLatch(1);
        waiting.add(latch);
        return latch;
    }

    void unregister(CountDownLatch latch) {
        waiting.remove(latch);
    }

    void wakeAll() {
        for (CountDownLatch latch : waiting) {
            latch.countDown();
        }
    }
}
