package dev.concourse.testkit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Collects what a process writes, and lets a test wait (with a deadline) until some text arrived. */
final class OutputCapture extends OutputStream {
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

    byte[] bytes() {
        lock.lock();
        try {
            return bytes.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /**
     * Waits until the output contains {@code expected}.
     *
     * @return whether it did before the timeout
     */
    boolean awaitText(String expected, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!bytes.toString(StandardCharsets.UTF_8).contains(expected)) {
                if (left <= 0) {
                    return false;
                }
                left = written.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return text();
    }
}
