package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LingerTimerTest {
    private static final String THREAD_NAME = "concourse-event-linger";

    @Test
    void itsThreadEndsAfterASecondWithoutLingersAndAnotherStartsForTheNextOne() throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        LingerTimer.schedule(first::countDown, TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(first.await(10, TimeUnit.SECONDS)).as("the first task ran").isTrue();
        Thread thread = lingerThread().orElseThrow(() -> new AssertionError("no " + THREAD_NAME + " thread"));

        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.isAlive()).as("the idle timer thread ended").isFalse();

        CountDownLatch second = new CountDownLatch(1);
        LingerTimer.schedule(second::countDown, TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(second.await(10, TimeUnit.SECONDS)).as("a task scheduled after that ran").isTrue();
    }

    private static Optional<Thread> lingerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(THREAD_NAME) && t.isAlive())
                .findFirst();
    }
}
