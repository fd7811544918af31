package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildStatus;
import dev.concourse.Team;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.StaleLeaseException;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The lease-checked append, {@link BuildEventStore#append(long, List, Lease)}: what an engine node
 * relies on when it stores the events of a build it runs under a lease, and another node may take
 * the build over. Leases of zero duration stand for a node that stopped renewing, so no test waits
 * for a clock.
 */
abstract class FencedEventStorageContract extends StorageContract {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    FencedEventStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    private BuildEventStore events() {
        return storage().events();
    }

    private LeaseStore leases() {
        return storage().leases();
    }

    private long oneOffBuild() {
        mainTeam();
        return builds().createOneOffBuild(Team.MAIN, T0).id();
    }

    private Lease lease(long build, String owner, Duration duration) {
        return leases().acquire("build:" + build, owner, duration).orElseThrow();
    }

    @Test
    void aFencedAppendWhileTheLeaseHoldsIsStoredLikeAnyOther() {
        long build = oneOffBuild();
        Lease lease = lease(build, "node-a", MINUTE);

        events().append(build, logEvents(1, 3, "a"), lease);
        events().append(build, logEvents(4, 5, "a"), lease);

        assertThat(events().read(build, 1, 10)).containsExactlyElementsOf(logEvents(1, 5, "a"));
        assertThat(events().lastSequence(build)).isEqualTo(5);
    }

    @Test
    void aStaleTokenIsRefusedItsEventsAreAbsentAndTheNewOwnerContinuesTheLogWithoutAGap() {
        long build = oneOffBuild();
        Lease a = lease(build, "node-a", Duration.ZERO);
        events().append(build, logEvents(1, 2, "a"), a);
        Lease b = lease(build, "node-b", MINUTE);

        assertThatThrownBy(() -> events().append(build, logEvents(3, 4, "a"), a))
                .isInstanceOf(StaleLeaseException.class)
                .isInstanceOf(ConcurrentUpdateException.class)
                .hasMessageContaining("build:" + build);
        assertThat(events().lastSequence(build)).isEqualTo(2);
        events().append(build, logEvents(3, 4, "b"), b);
        assertThatThrownBy(() -> events().append(build, logEvents(5, 5, "a"), a))
                .as("refused again, also where its sequence is free").isInstanceOf(StaleLeaseException.class);

        List<StoredEvent> all = new ArrayList<>(logEvents(1, 2, "a"));
        all.addAll(logEvents(3, 4, "b"));
        assertThat(events().read(build, 1, 10)).containsExactlyElementsOf(all);
    }

    @Test
    void anExpiredLeaseThatNobodyTookStillPasses() {
        long build = oneOffBuild();
        Lease lapsed = lease(build, "node-a", Duration.ZERO);

        events().append(build, logEvents(1, 2, "a"), lapsed);

        assertThat(events().lastSequence(build)).isEqualTo(2);
    }

    @Test
    void aReleasedLeaseAndAnotherOwnersTokenAreRefused() {
        long build = oneOffBuild();
        Lease lease = lease(build, "node-a", MINUTE);
        Lease impostor = new Lease(lease.name(), "node-x", lease.token(), lease.expiresAt());
        Lease otherToken = new Lease(lease.name(), lease.owner(), lease.token() + 1, lease.expiresAt());

        assertThatThrownBy(() -> events().append(build, logEvents(1, 1, "x"), impostor))
                .isInstanceOf(StaleLeaseException.class);
        assertThatThrownBy(() -> events().append(build, logEvents(1, 1, "x"), otherToken))
                .isInstanceOf(StaleLeaseException.class);
        assertThat(leases().release(lease)).isTrue();
        assertThatThrownBy(() -> events().append(build, logEvents(1, 1, "a"), lease))
                .isInstanceOf(StaleLeaseException.class);
        assertThat(events().lastSequence(build)).isZero();
    }

    @Test
    void aRenewedLeasePassesItsOlderCopyOnlyItsNameOwnerAndTokenCount() {
        long build = oneOffBuild();
        Lease lease = lease(build, "node-a", Duration.ZERO);
        leases().renew(lease, MINUTE).orElseThrow();

        events().append(build, logEvents(1, 1, "a"), lease);

        assertThat(events().lastSequence(build)).isEqualTo(1);
    }

    @Test
    void aFenceThatHoldsDoesNotExcuseABadBatch() {
        long build = oneOffBuild();
        Lease lease = lease(build, "node-a", MINUTE);
        events().append(build, logEvents(1, 2, "a"), lease);

        assertThatThrownBy(() -> events().append(build, logEvents(4, 4, "a"), lease))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events().append(987_654_321L, logEvents(1, 1, "a"), lease))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(events().lastSequence(build)).isEqualTo(2);
    }

    @Test
    void anEmptyBatchChangesNothingWhateverItsFence() {
        long build = oneOffBuild();
        Lease lease = lease(build, "node-a", MINUTE);
        leases().release(lease);

        events().append(build, List.of(), lease);

        assertThat(events().lastSequence(build)).isZero();
    }

    @Test
    void inATransactionTheFencedAppendJoinsItAndAStaleOneRollsItBack() {
        long build = oneOffBuild();
        Lease a = lease(build, "node-a", Duration.ZERO);
        storage().inTransaction(() -> {
            events().append(build, logEvents(1, 1, "a"), a);
            return null;
        });
        assertThatThrownBy(() -> storage().inTransaction(() -> {
            events().append(build, logEvents(2, 2, "a"), a);
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(events().lastSequence(build)).as("rolled back with its transaction").isEqualTo(1);
        lease(build, "node-b", MINUTE);

        assertThatThrownBy(() -> storage().inTransaction(() -> {
            builds().finish(build, BuildStatus.FAILED, T0);
            events().append(build, logEvents(2, 2, "a"), a);
            return null;
        })).isInstanceOf(StaleLeaseException.class);
        assertThat(events().lastSequence(build)).isEqualTo(1);
        assertThat(builds().find(build).orElseThrow().status()).isEqualTo(BuildStatus.PENDING);
    }

    /**
     * A takeover while the old owner is appending: once the new owner's acquire returned, the old
     * owner commits nothing more, so the new owner's events continue right after the old owner's
     * last stored one, whichever appends were in flight at that moment.
     */
    @Test
    void aTakeoverDuringAppendsLeavesTheOldOwnersLastStoredEventRightBeforeTheNewOwnersFirst() throws Exception {
        long build = oneOffBuild();
        Lease a = lease(build, "node-a", Duration.ZERO);
        CountDownLatch appending = new CountDownLatch(3);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Long> lastStoredByA = pool.submit(() -> {
                long next = 1;
                for (int round = 0; round < 100_000; round++) {
                    try {
                        events().append(build, logEvents(next, next + 9, "a"), a);
                    } catch (StaleLeaseException e) {
                        return next - 1;
                    }
                    next += 10;
                    appending.countDown();
                }
                throw new AssertionError("node-a's appends were never refused");
            });
            assertThat(appending.await(1, TimeUnit.MINUTES)).as("node-a appending").isTrue();

            Lease b = lease(build, "node-b", MINUTE);
            long last = events().lastSequence(build);
            events().append(build, logEvents(last + 1, last + 2, "b"), b);

            assertThat(lastStoredByA.get(1, TimeUnit.MINUTES)).isEqualTo(last);
            List<StoredEvent> expected = new ArrayList<>(logEvents(1, last, "a"));
            expected.addAll(logEvents(last + 1, last + 2, "b"));
            assertThat(events().read(build, 1, (int) last + 10)).containsExactlyElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Builds appending at the same moment, so that a store writing many appends together gets them
     * in one group: half of them under leases another node took, the others under leases they
     * hold or without a lease. Each refused build's events are absent and every other build's are
     * stored whole; then the new owners continue the refused logs without a gap.
     */
    @Test
    void refusedAppendsFailAloneAmongOtherBuildsAppendsOfTheSameMoment() throws Exception {
        int builds = THREADS * 2;
        List<Long> ids = new ArrayList<>();
        List<Lease> fences = new ArrayList<>();
        List<Lease> newOwners = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
            long build = oneOffBuild();
            ids.add(build);
            Lease lease = lease(build, "node-a", i % 2 == 0 ? Duration.ZERO : MINUTE);
            events().append(build, logEvents(1, 2, "a"), lease);
            fences.add(lease);
            newOwners.add(i % 2 == 0 ? lease(build, "node-b", MINUTE) : null);
        }
        int rounds = 20;
        ExecutorService pool = Executors.newFixedThreadPool(builds);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> refusals = new ArrayList<>();
            for (int i = 0; i < builds; i++) {
                long build = ids.get(i);
                Lease fence = fences.get(i);
                boolean unfenced = i % 4 == 3;
                refusals.add(pool.submit(() -> {
                    start.await();
                    int refused = 0;
                    for (int round = 0; round < rounds; round++) {
                        long first = 3 + round * 5L;
                        List<StoredEvent> batch = logEvents(first, first + 4, "a");
                        try {
                            if (unfenced) {
                                events().append(build, batch);
                            } else {
                                events().append(build, batch, fence);
                            }
                        } catch (StaleLeaseException e) {
                            refused++;
                        }
                    }
                    return refused;
                }));
            }
            start.countDown();
            for (int i = 0; i < builds; i++) {
                int refused = refusals.get(i).get(1, TimeUnit.MINUTES);
                long build = ids.get(i);
                if (newOwners.get(i) != null) {
                    assertThat(refused).as("appends of build %d under a lease taken over", build).isEqualTo(rounds);
                    assertThat(events().read(build, 1, 1000)).as("build %d", build)
                            .containsExactlyElementsOf(logEvents(1, 2, "a"));
                    events().append(build, logEvents(3, 4, "b"), newOwners.get(i));
                    List<StoredEvent> expected = new ArrayList<>(logEvents(1, 2, "a"));
                    expected.addAll(logEvents(3, 4, "b"));
                    assertThat(events().read(build, 1, 1000)).as("build %d after its new owner", build)
                            .containsExactlyElementsOf(expected);
                } else {
                    assertThat(refused).as("appends of build %d under a lease it holds", build).isZero();
                    assertThat(events().read(build, 1, 1000)).as("build %d", build)
                            .containsExactlyElementsOf(logEvents(1, 2 + rounds * 5L, "a"));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Log events with sequences {@code from} to {@code to}, both included, written by {@code node}. */
    private static List<StoredEvent> logEvents(long from, long to, String node) {
        return LongStream.rangeClosed(from, to).mapToObj(sequence -> new StoredEvent(sequence, "log",
                "{\"event\":\"log\",\"version\":\"5.1\",\"data\":{\"payload\":\"" + node + " line " + sequence
                        + "\\n\"}}")).toList();
    }
}
