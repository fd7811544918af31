package dev.concourse.benchmarks.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArrayLogTest {
    private static final BuildEvent LINE = new BuildEvent.Log(Instant.EPOCH, Origin.of("task"), "line");

    @Test
    void everyReaderGetsEveryEventInOrderThenFinishes() throws InterruptedException {
        int events = 10_000;
        ArrayLog log = new ArrayLog(events);
        List<EventCheck> checks = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(50);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                EventCheck check = new EventCheck();
                checks.add(check);
                log.read(executor, check, done);
            }
            for (int i = 1; i <= events; i++) {
                log.append(new SequencedEvent(1, i, LINE));
            }
            log.close();
            assertThat(done.await(1, TimeUnit.MINUTES)).isTrue();
        }
        for (EventCheck check : checks) {
            assertThatCode(() -> check.verify(events)).doesNotThrowAnyException();
        }
    }

    @Test
    void aCheckFailsOnAGapOrAShortCount() {
        EventCheck gap = new EventCheck();
        gap.accept(new SequencedEvent(1, 1, LINE));
        gap.accept(new SequencedEvent(1, 3, LINE));
        assertThatThrownBy(() -> gap.verify(2)).hasMessageContaining("expected event 2, got 3");

        EventCheck shortCount = new EventCheck();
        shortCount.accept(new SequencedEvent(1, 1, LINE));
        assertThatThrownBy(() -> shortCount.verify(2)).hasMessageContaining("got 1 of 2 events");
    }
}
