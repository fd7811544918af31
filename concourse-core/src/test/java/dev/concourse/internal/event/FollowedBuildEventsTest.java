package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.storage.InMemoryStorage;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Two engines' event logs over one store that notifies appends (as several nodes over one
 * PostgreSQL): a subscriber on node B follows a build that runs on node A.
 */
class FollowedBuildEventsTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final Origin STDOUT = new Origin("task", Origin.Source.STDOUT);

    private final InMemoryStorage storage = new InMemoryStorage();
    private final NotifyingEventStore shared = new NotifyingEventStore(storage.events());
    private final ManualExecutor executorA = new ManualExecutor();
    private final ManualExecutor executorB = new ManualExecutor();
    private final EventLogs nodeA = new EventLogs(shared, executorA);
    private final EventLogs nodeB = new EventLogs(shared, executorB);
    private final AtomicBoolean finished = new AtomicBoolean();

    private long newBuild() {
        storage.teams().createIfAbsent("main");
        return storage.builds().createOneOffBuild("main", T).id();
    }

    private void runBoth() {
        while (executorA.runAll() + executorB.runAll() > 0) {
            // until neither node has work left
        }
    }

    @Test
    void aSubscriberOnAnotherNodeGetsEveryEventAsItIsStoredAndCompletesAfterTheFinalStatus() {
        long build = newBuild();
        BuildEventLog log = nodeA.open(build);
        log.emit(new BuildEvent.Status(T, BuildStatus.STARTED));
        runBoth();

        RecordingSubscriber follower = new RecordingSubscriber(Long.MAX_VALUE);
        nodeB.publisher(build, 1, finished::get).subscribe(follower);
        runBoth();
        assertThat(follower.sequences()).containsExactly(1L);

        log.emit(new BuildEvent.Log(T, STDOUT, "one\n"));
        log.emit(new BuildEvent.Log(T, STDOUT, "two\n"));
        assertThat(follower.sequences()).as("nothing before node A stores it").containsExactly(1L);
        runBoth();
        assertThat(follower.sequences()).containsExactly(1L, 2L, 3L);
        assertThat(follower.completed()).isFalse();

        log.emit(new BuildEvent.Status(T, BuildStatus.SUCCEEDED));
        nodeA.close(build);
        runBoth();

        assertThat(follower.sequences()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(follower.events().get(2).event()).isEqualTo(new BuildEvent.Log(T, STDOUT, "two\n"));
        assertThat(follower.completed()).isTrue();
        assertThat(follower.violations()).isEmpty();
        assertThat(shared.watches()).as("watch closed once the build finished").isZero();
    }

    @Test
    void aSlowSubscriberGetsALongLogInOrderAlthoughOnlyAWindowIsReadAhead() {
        long build = newBuild();
        BuildEventLog log = nodeA.open(build);
        RecordingSubscriber slow = new RecordingSubscriber(100);
        nodeB.publisher(build, 1, finished::get).subscribe(slow);
        int count = FollowedEventSource.AHEAD * 3;
        for (int i = 0; i < count; i++) {
            log.emit(new BuildEvent.Log(T, STDOUT, "line " + i + "\n"));
        }
        log.emit(new BuildEvent.Status(T, BuildStatus.FAILED));
        nodeA.close(build);
        runBoth();
        assertThat(slow.sequences()).hasSize(100);

        // No notification comes any more: taking what was read ahead makes the source read on.
        slow.request(Long.MAX_VALUE);
        runBoth();

        assertThat(slow.sequences()).containsExactlyElementsOf(LongStream.rangeClosed(1, count + 1).boxed().toList());
        assertThat(slow.completed()).isTrue();
        assertThat(slow.violations()).isEmpty();
    }

    @Test
    void aFinishedBuildWithoutAFinalStatusEventCompletesAfterItsStoredEvents() {
        long build = newBuild();
        BuildEventLog log = nodeA.open(build);
        log.emit(new BuildEvent.Log(T, STDOUT, "only\n"));
        runBoth();
        RecordingSubscriber follower = new RecordingSubscriber(Long.MAX_VALUE);
        nodeB.publisher(build, 1, finished::get).subscribe(follower);
        runBoth();
        assertThat(follower.sequences()).containsExactly(1L);
        assertThat(follower.completed()).isFalse();

        // As if node A's last events could not be stored and it stored the status all the same.
        finished.set(true);
        shared.notifyWatchers(build);
        runBoth();

        assertThat(follower.completed()).isTrue();
        assertThat(follower.sequences()).containsExactly(1L);

        RecordingSubscriber late = new RecordingSubscriber(Long.MAX_VALUE);
        nodeB.publisher(build, 1, finished::get).subscribe(late);
        runBoth();
        assertThat(late.sequences()).containsExactly(1L);
        assertThat(late.completed()).isTrue();
        assertThat(shared.watches()).isZero();
    }

    @Test
    void cancellingStopsWatching() {
        long build = newBuild();
        BuildEventLog log = nodeA.open(build);
        RecordingSubscriber follower = new RecordingSubscriber(Long.MAX_VALUE);
        nodeB.publisher(build, 1, finished::get).subscribe(follower);
        runBoth();
        assertThat(shared.watches()).isEqualTo(1);

        follower.cancel();
        runBoth();
        log.emit(new BuildEvent.Log(T, STDOUT, "after cancel\n"));
        runBoth();

        assertThat(shared.watches()).isZero();
        assertThat(follower.events()).isEmpty();
        assertThat(follower.completed()).isFalse();
    }

    @Test
    void withoutNotificationsABuildNotRunningHereIsReplayedAsStored() {
        long build = newBuild();
        EventLogs plainA = new EventLogs(storage.events(), executorA);
        EventLogs plainB = new EventLogs(storage.events(), executorB);
        BuildEventLog log = plainA.open(build);
        log.emit(new BuildEvent.Log(T, STDOUT, "stored\n"));
        runBoth();

        RecordingSubscriber replay = new RecordingSubscriber(Long.MAX_VALUE);
        plainB.publisher(build, 1, finished::get).subscribe(replay);
        runBoth();

        assertThat(replay.sequences()).containsExactly(1L);
        assertThat(replay.completed()).isTrue();
    }
}
