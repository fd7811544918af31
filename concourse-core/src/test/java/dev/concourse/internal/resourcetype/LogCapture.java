package dev.concourse.internal.resourcetype;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A step's log for tests: collects what is written, from any thread, and lets a test wait for a line. */
final class LogCapture extends OutputStream {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        lock.lock();
        try {
            bytes.write(b, off, len);
            written.signalAll();
        } finally {
            lock.unlock();
        }
    }

    String text() {
        lock.lock();
        try {
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the log contains {@code fragment}; false if it does not within {@code timeout}. */
    boolean await(String fragment, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!bytes.toString(StandardCharsets.UTF_8).contains(fragment)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = written.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
