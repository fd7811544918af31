package dev.concourse.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.credentials.StaticCredentials;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CachingCredentialManagerTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(START);

    /** A store whose contents the test changes, to see when the cache asks again. */
    private static final class MutableStore implements CredentialManager {
        final Map<String, Secret> secrets = new ConcurrentHashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public String id() {
            return "mutable";
        }

        @Override
        public synchronized Optional<Secret> lookup(String path) {
            asked.add(path);
            return Optional.ofNullable(secrets.get(path));
        }
    }

    @Test
    void keepsAFoundSecretForTheMaximumTimeToLive() {
        MutableStore store = new MutableStore();
        store.secrets.put("/main/token", Secret.of("v1"));
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        assertThat(cache.lookup("/main/token")).contains(Secret.of("v1"));
        store.secrets.put("/main/token", Secret.of("v2"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(cache.lookup("/main/token")).contains(Secret.of("v1"));
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lookup("/main/token")).contains(Secret.of("v2"));
        assertThat(store.asked).hasSize(2);
    }

    @Test
    void keepsASecretNoLongerThanItsOwnExpiry() {
        MutableStore store = new MutableStore();
        store.secrets.put("/main/lease", Secret.expiring("lease-1", START.plusSeconds(5)));
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        assertThat(cache.lookup("/main/lease")).map(Secret::value).contains("lease-1");
        clock.advance(Duration.ofSeconds(4));
        store.secrets.put("/main/lease", Secret.expiring("lease-2", START.plusSeconds(100)));
        assertThat(cache.lookup("/main/lease")).map(Secret::value).contains("lease-1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lookup("/main/lease")).map(Secret::value).contains("lease-2");
        // The new lease is longer than the maximum time to live: the maximum wins.
        clock.advance(Duration.ofSeconds(59));
        store.secrets.put("/main/lease", Secret.of("lease-3"));
        assertThat(cache.lookup("/main/lease")).map(Secret::value).contains("lease-2");
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lookup("/main/lease")).map(Secret::value).contains("lease-3");
    }

    @Test
    void doesNotCacheASecretThatHasAlreadyExpired() {
        MutableStore store = new MutableStore();
        store.secrets.put("/main/old", Secret.expiring("old", START.minusSeconds(1)));
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        cache.lookup("/main/old");
        cache.lookup("/main/old");
        assertThat(store.asked).hasSize(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void remembersNotFoundForItsOwnShorterTime() {
        MutableStore store = new MutableStore();
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        assertThat(cache.lookup("/main/new")).isEmpty();
        store.secrets.put("/main/new", Secret.of("created"));
        clock.advance(Duration.ofSeconds(9));
        assertThat(cache.lookup("/main/new")).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.lookup("/main/new")).contains(Secret.of("created"));
    }

    @Test
    void aZeroNotFoundTimeDoesNotRememberNotFound() {
        MutableStore store = new MutableStore();
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ZERO, clock);
        cache.lookup("/main/new");
        cache.lookup("/main/new");
        assertThat(store.asked).hasSize(2);
    }

    @Test
    void doesNotCacheFailures() {
        RecordingManager store = new RecordingManager(StaticCredentials.of(Map.of("/main/x", "v")))
                .failNext(1, () -> new IllegalStateException("down"));
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        assertThatThrownBy(() -> cache.lookup("/main/x")).hasMessage("down");
        assertThat(cache.lookup("/main/x")).contains(Secret.of("v"));
        assertThat(cache.lookup("/main/x")).contains(Secret.of("v"));
        assertThat(store.asked()).hasSize(2);
    }

    @Test
    void sweepsExpiredEntries() {
        MutableStore store = new MutableStore();
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        for (int i = 0; i < 200; i++) {
            cache.lookup("/main/a" + i);
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 56; i++) {
            cache.lookup("/main/b" + i);
        }
        assertThat(cache.size()).isEqualTo(56);
    }

    @Test
    void passesIdAndTemplatesThrough() {
        CredentialManager store = StaticCredentials.of(Map.of()).withId("s").withLookupTemplates("{{.Secret}}");
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ZERO, clock);
        assertThat(cache.id()).isEqualTo("s");
        assertThat(cache.lookupTemplates()).containsExactly(LookupTemplate.parse("{{.Secret}}"));
    }

    @Test
    void isSafeToUseFromManyThreads() throws Exception {
        MutableStore store = new MutableStore();
        for (int i = 0; i < 50; i++) {
            store.secrets.put("/main/s" + i, Secret.of("v" + i));
        }
        CachingCredentialManager cache = new CachingCredentialManager(store, Duration.ofMinutes(1), Duration.ofSeconds(10), clock);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 16; t++) {
                results.add(threads.submit(() -> {
                    go.await();
                    boolean ok = true;
                    for (int round = 0; round < 200; round++) {
                        int i = round % 50;
                        ok &= cache.lookup("/main/s" + i).map(Secret::value).orElse("").equals("v" + i);
                    }
                    return ok;
                }));
            }
            go.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
        assertThat(store.asked.size()).isBetween(50, 50 * 16);
    }
}
