package dev.concourse.runtime.linux.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The platform threads that pump the processes' FIFOs ({@link RuncProcess}): opening and reading a
 * FIFO blocks in native code, which would pin a virtual thread's carrier, so they are platform
 * threads, and they are reused (a cached pool, idle ones end after a minute) rather than created for
 * each process: creating and ending two threads per process cost about half a millisecond of CPU.
 * Each is named after the process it works for while it does.
 */
final class IoThreads {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("runc-io-", 0).factory());

    private IoThreads() {
    }

    /** Runs the task on a pooled thread named {@code name} meanwhile. */
    static void start(String name, Runnable task) {
        POOL.execute(() -> {
            Thread thread = Thread.currentThread();
            String idle = thread.getName();
            thread.setName(name);
            try {
                task.run();
            } finally {
                thread.setName(idle);
            }
        });
    }
}
