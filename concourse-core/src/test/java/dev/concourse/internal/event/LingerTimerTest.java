package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LingerTimerTest {

    @Test
    void itsThreadEndsAfterItsIdleTimeAndAnotherStartsForTheNextTask() throws InterruptedException {
        LingerTimer timer = new LingerTimer(Duration.ofMillis(100));
        CountDownLatch first = new CountDownLatch(1);
        timer.submit(first::countDown, TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(first.await(10, TimeUnit.SECONDS)).as("the first task ran").isTrue();
        Thread thread = timer.lastThread();
        assertThat(thread.getName()).isEqualTo("concourse-event-linger");
        assertThat(thread.isDaemon()).isTrue();

        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.isAlive()).as("the idle timer's thread ended").isFalse();

        CountDownLatch second = new CountDownLatch(1);
        timer.submit(second::countDown, TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(second.await(10, TimeUnit.SECONDS)).as("a task scheduled after that ran").isTrue();
        assertThat(timer.lastThread()).as("on a new thread").isNotSameAs(thread);
    }
}
