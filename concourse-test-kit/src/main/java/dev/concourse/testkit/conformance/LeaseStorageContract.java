package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Team;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Leases with fencing tokens. Expiry is tested with leases of zero duration, which are expired as
 * soon as they are granted, so no test waits for a clock.
 */
abstract class LeaseStorageContract extends StorageContract {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    LeaseStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    private LeaseStore leases() {
        return storage().leases();
    }

    @Test
    void aFreeLeaseIsGrantedWithATokenAndThenHeldAgainstOthers() {
        Lease lease = leases().acquire("build:1", "node-a", MINUTE).orElseThrow();

        assertThat(lease.name()).isEqualTo("build:1");
        assertThat(lease.owner()).isEqualTo("node-a");
        assertThat(lease.token()).isPositive();
        assertThat(leases().acquire("build:1", "node-b", MINUTE)).isEmpty();
        assertThat(leases().find("build:1")).contains(lease);
        assertThat(leases().acquire("build:2", "node-b", MINUTE)).as("another name").isPresent();
        assertThat(leases().find("build:3")).isEmpty();
    }

    @Test
    void theHolderAcquiresAndRenewsKeepingItsToken() {
        Lease lease = leases().acquire("check:7", "node-a", MINUTE).orElseThrow();

        Lease again = leases().acquire("check:7", "node-a", Duration.ofMinutes(5)).orElseThrow();
        Lease renewed = leases().renew(again, Duration.ofMinutes(10)).orElseThrow();

        assertThat(again.token()).isEqualTo(lease.token());
        assertThat(renewed.token()).isEqualTo(lease.token());
        assertThat(renewed.expiresAt()).isAfterOrEqualTo(again.expiresAt());
        assertThat(again.expiresAt()).isAfterOrEqualTo(lease.expiresAt());
        leases().check(renewed);
    }

    @Test
    void anExpiredLeaseGoesToTheNextOwnerWithAHigherTokenAndTheOldHolderIsFencedOff() {
        Lease lapsed = leases().acquire("build:1", "node-a", Duration.ZERO).orElseThrow();

        Lease taken = leases().acquire("build:1", "node-b", MINUTE).orElseThrow();

        assertThat(taken.token()).isGreaterThan(lapsed.token());
        assertThat(leases().renew(lapsed, MINUTE)).isEmpty();
        assertThat(leases().release(lapsed)).isFalse();
        assertThatThrownBy(() -> leases().check(lapsed))
                .isInstanceOf(ConcurrentUpdateException.class)
                .hasMessageContaining("build:1");
        assertThat(leases().find("build:1")).contains(taken);
        leases().check(taken);
    }

    @Test
    void anExpiredLeaseNobodyTookCanStillBeRenewedAndPassesTheCheck() {
        Lease lapsed = leases().acquire("job:3", "node-a", Duration.ZERO).orElseThrow();

        leases().check(lapsed);
        Lease renewed = leases().renew(lapsed, MINUTE).orElseThrow();

        assertThat(renewed.token()).isEqualTo(lapsed.token());
        assertThat(leases().acquire("job:3", "node-b", MINUTE)).isEmpty();
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndItsHolderIsFencedOff() {
        Lease first = leases().acquire("job:3", "node-a", MINUTE).orElseThrow();

        assertThat(leases().release(first)).isTrue();
        assertThat(leases().release(first)).isFalse();
        assertThat(leases().find("job:3")).isEmpty();
        Lease second = leases().acquire("job:3", "node-b", MINUTE).orElseThrow();

        assertThat(second.token()).isGreaterThan(first.token());
        assertThatThrownBy(() -> leases().check(first)).isInstanceOf(ConcurrentUpdateException.class);
    }

    @Test
    void aNegativeDurationIsRejected() {
        assertThatThrownBy(() -> leases().acquire("x", "node-a", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFencingCheckInATransactionKeepsAStaleHolderFromWriting() {
        storage().teams().createIfAbsent(Team.MAIN);
        Build build = builds().createOneOffBuild(Team.MAIN, T0);
        Lease stale = leases().acquire("build:" + build.id(), "node-a", Duration.ZERO).orElseThrow();
        Lease current = leases().acquire("build:" + build.id(), "node-b", MINUTE).orElseThrow();

        assertThatThrownBy(() -> storage().inTransaction(() -> {
            leases().check(stale);
            return builds().finish(build.id(), BuildStatus.FAILED, T0);
        })).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(builds().find(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.PENDING);

        storage().inTransaction(() -> {
            leases().check(current);
            return builds().finish(build.id(), BuildStatus.SUCCEEDED, T0);
        });
        assertThat(builds().find(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void ofConcurrentAcquiresExactlyOneWins() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Optional<Lease>>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String owner = "node-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return leases().acquire("pipeline:1/scheduling", owner, MINUTE);
                }));
            }
            start.countDown();
            List<Lease> granted = new ArrayList<>();
            for (Future<Optional<Lease>> result : results) {
                result.get(1, TimeUnit.MINUTES).ifPresent(granted::add);
            }
            assertThat(granted).hasSize(1);
            assertThat(leases().find("pipeline:1/scheduling")).contains(granted.getFirst());
        } finally {
            pool.shutdownNow();
        }
    }
}
