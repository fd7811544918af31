package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.ContainerProcess;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * Blocking waits of the executor. A step tree runs to its end, so an interrupt of the waiting
 * thread cannot simply end the wait: it aborts the build (which makes the wait end soon) and the
 * thread's interrupt status is restored when the wait is over.
 */
final class Waits {

    private Waits() {
    }

    interface Wait<T> {
        T get() throws InterruptedException;
    }

    static <T> T uninterruptibly(RunContext run, Wait<T> wait) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return wait.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    run.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void acquire(Semaphore semaphore, RunContext run) {
        uninterruptibly(run, () -> {
            semaphore.acquire();
            return null;
        });
    }

    static <T> T take(BlockingQueue<T> queue, RunContext run) {
        return uninterruptibly(run, queue::take);
    }

    static void await(CountDownLatch latch, RunContext run) {
        uninterruptibly(run, () -> {
            latch.await();
            return null;
        });
    }

    static int waitFor(ContainerProcess process, RunContext run) {
        return uninterruptibly(run, process::waitFor);
    }
}
