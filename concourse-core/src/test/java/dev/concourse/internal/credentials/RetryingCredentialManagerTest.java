package dev.concourse.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.credentials.StaticCredentials;
import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryingCredentialManagerTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final RecordingManager store = new RecordingManager(StaticCredentials.of(Map.of("/main/x", "v")).withId("flaky"));

    @Test
    void retriesWithBackoffThatDoublesUpToTheMaximumOnTheEngineClock() {
        ManualClock clock = new ManualClock(START).autoAdvance();
        store.failNext(4, () -> new IllegalStateException("timeout"));
        RetryingCredentialManager retrying = new RetryingCredentialManager(store, 5, Duration.ofSeconds(1),
                Duration.ofSeconds(3), clock);
        assertThat(retrying.lookup("/main/x")).contains(Secret.of("v"));
        assertThat(store.asked()).hasSize(5);
        assertThat(clock.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(3));
        assertThat(clock.now()).isEqualTo(START.plusSeconds(9));
    }

    @Test
    void givesUpAfterTheLastAttemptNamingManagerPathAndAttempts() {
        ManualClock clock = new ManualClock(START).autoAdvance();
        store.failNext(10, () -> new IllegalStateException("connection refused"));
        RetryingCredentialManager retrying = new RetryingCredentialManager(store, 3, Duration.ofSeconds(1),
                Duration.ofSeconds(10), clock);
        assertThatThrownBy(() -> retrying.lookup("/main/x"))
                .isInstanceOfSatisfying(CredentialLookupException.class, e -> {
                    assertThat(e.getCause()).hasMessage("connection refused");
                    assertThat(e.getSuppressed()).hasSize(2);
                })
                .hasMessage("credential manager 'flaky' failed to look up '/main/x' 3 times; last failure: "
                        + "connection refused");
        assertThat(store.asked()).hasSize(3);
    }

    @Test
    void doesNotRetryFailuresThatAreNotRetryable() {
        ManualClock clock = new ManualClock(START).autoAdvance();
        store.failNext(1, () -> new CredentialLookupException("refused path", null, false));
        RetryingCredentialManager retrying = new RetryingCredentialManager(store, 5, Duration.ofSeconds(1),
                Duration.ofSeconds(10), clock);
        assertThatThrownBy(() -> retrying.lookup("/main/x")).hasMessage("refused path");
        assertThat(store.asked()).hasSize(1);
        assertThat(clock.delays()).isEmpty();
    }

    @Test
    void aManagerThatReturnsNullIsABugReportedAtOnce() {
        RetryingCredentialManager retrying = new RetryingCredentialManager(new NullReturningManager(), 5,
                Duration.ofSeconds(1), Duration.ofSeconds(10), new ManualClock(START));
        assertThatThrownBy(() -> retrying.lookup("/main/x")).hasMessageContaining("returned null");
    }

    @Test
    void reallyWaitsForTheClockBeforeRetrying() throws Exception {
        ManualClock clock = new ManualClock(START);
        store.failNext(1, () -> new IllegalStateException("timeout"));
        RetryingCredentialManager retrying = new RetryingCredentialManager(store, 2, Duration.ofSeconds(30),
                Duration.ofSeconds(30), clock);
        CompletableFuture<Optional<Secret>> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(retrying.lookup("/main/x"));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        clock.awaitScheduled(1, Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(29));
        assertThat(result).isNotDone();
        assertThat(store.asked()).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(result.get(10, TimeUnit.SECONDS)).contains(Secret.of("v"));
        assertThat(store.asked()).hasSize(2);
    }

    @Test
    void anInterruptedWaitGivesUpAndCancelsTheTimer() throws Exception {
        ManualClock clock = new ManualClock(START);
        store.failNext(1, () -> new IllegalStateException("timeout"));
        RetryingCredentialManager retrying = new RetryingCredentialManager(store, 2, Duration.ofSeconds(30),
                Duration.ofSeconds(30), clock);
        CompletableFuture<Optional<Secret>> result = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                result.complete(retrying.lookup("/main/x"));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        clock.awaitScheduled(1, Duration.ofSeconds(10));
        thread.interrupt();
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CredentialLookupException.class)
                .hasMessageContaining("interrupted while waiting to look up '/main/x'");
        assertThat(clock.pending()).isZero();
        assertThat(store.asked()).hasSize(1);
    }

    private static final class NullReturningManager implements CredentialManager {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public Optional<Secret> lookup(String path) {
            return null;
        }
    }
}
