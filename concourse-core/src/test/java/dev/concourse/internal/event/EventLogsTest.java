package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.storage.InMemoryStorage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogsTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final Origin STDOUT = new Origin("task", Origin.Source.STDOUT);

    private final InMemoryStorage storage = new InMemoryStorage();
    private final ManualExecutor manual = new ManualExecutor();
    private final EventLogs logs = new EventLogs(storage.events(), manual);

    private long newBuild() {
        storage.teams().createIfAbsent("main");
        return storage.builds().createOneOffBuild("main", T).id();
    }

    @Test
    void aRunningBuildIsServedLiveAndAFinishedOneFromTheStore() {
        long build = newBuild();
        BuildEventLog log = logs.open(build);
        assertThat(logs.live(build)).containsSame(log);

        RecordingSubscriber early = new RecordingSubscriber(Long.MAX_VALUE);
        logs.publisher(build, 1).subscribe(early);
        log.emit(new BuildEvent.Status(T, BuildStatus.STARTED));
        log.emit(new BuildEvent.Log(T, STDOUT, "hello\n"));
        manual.runAll();
        assertThat(early.sequences()).containsExactly(1L, 2L);
        assertThat(early.completed()).isFalse();

        RecordingSubscriber heldBack = new RecordingSubscriber(0);
        logs.publisher(build, 1).subscribe(heldBack);
        manual.runAll();
        log.emit(new BuildEvent.Status(T, BuildStatus.SUCCEEDED));
        logs.close(build);
        assertThat(logs.live(build)).isEmpty();

        RecordingSubscriber late = new RecordingSubscriber(Long.MAX_VALUE);
        logs.publisher(build, 2).subscribe(late);
        heldBack.request(Long.MAX_VALUE);
        manual.runAll();

        assertThat(early.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(heldBack.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(late.sequences()).containsExactly(2L, 3L);
        assertThat(late.events()).isEqualTo(heldBack.events().subList(1, 3));
        for (RecordingSubscriber s : List.of(early, heldBack, late)) {
            assertThat(s.completed()).isTrue();
            assertThat(s.violations()).isEmpty();
        }
    }

    @Test
    void thePublisherDecidesLiveOrStoredWhenSubscribed() {
        long build = newBuild();
        var publisher = logs.publisher(build, 0);
        BuildEventLog log = logs.open(build);
        log.emit(new BuildEvent.Log(T, STDOUT, "x"));
        RecordingSubscriber subscriber = new RecordingSubscriber(Long.MAX_VALUE);
        publisher.subscribe(subscriber);
        manual.runAll();
        assertThat(subscriber.sequences()).containsExactly(1L);
        assertThat(subscriber.completed()).as("live, so not complete").isFalse();
        logs.close(build);
        manual.runAll();
        assertThat(subscriber.completed()).isTrue();
    }

    @Test
    void aBuildHasOneLiveLogAtATime() {
        long build = newBuild();
        logs.open(build);
        assertThatThrownBy(() -> logs.open(build))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("build " + build + " already has a live event log");
        logs.close(build);
        logs.close(build);
        assertThat(logs.open(build).lastSequence()).isZero();
    }

    @Test
    void closingForgetsTheLogEvenWhenTheStoreFails() {
        long noSuchBuild = 4242;
        BuildEventLog log = logs.open(noSuchBuild);
        log.emit(new BuildEvent.Log(T, STDOUT, "x"));
        assertThatThrownBy(() -> logs.close(noSuchBuild)).isInstanceOf(EventPersistenceException.class);
        assertThat(logs.live(noSuchBuild)).isEmpty();
    }

    @Test
    void rejectsNegativeSequences() {
        assertThatThrownBy(() -> logs.publisher(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
