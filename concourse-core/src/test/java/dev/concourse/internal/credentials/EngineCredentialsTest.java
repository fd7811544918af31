package dev.concourse.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.credentials.CredentialSettings;
import dev.concourse.credentials.StaticCredentials;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.internal.redact.RedactingSink;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.VarRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineCredentialsTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void wrapsManagersWithRetriesInsideTheCache() {
        ManualClock clock = new ManualClock(START).autoAdvance();
        RecordingManager store = new RecordingManager(StaticCredentials.of(Map.of("/main/token", "tok-123")))
                .failNext(2, () -> new IllegalStateException("timeout"));
        EngineCredentials engine = new EngineCredentials(List.of(store),
                CredentialSettings.defaults().withCacheTtl(Duration.ofMinutes(1)), clock);
        CredentialVariables first = engine.forBuild("main", null, List.of(), new SecretTracker());
        CredentialVariables second = engine.forBuild("main", null, List.of(), new SecretTracker());
        assertThat(first.get(VarRef.of("token"))).contains("tok-123");
        assertThat(second.get(VarRef.of("token"))).contains("tok-123");
        // Two failures and a success, then the second build is served from the engine's cache.
        assertThat(store.asked()).containsExactly("/main/token", "/main/token", "/main/token");
        assertThat(clock.delays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        // Each build's tracker knows what that build fetched, cached or not.
        assertThat(second.tracker().redact("tok-123")).isEqualTo("((redacted))");
    }

    @Test
    void withoutCacheEveryBuildAsksTheStore() {
        RecordingManager store = new RecordingManager(StaticCredentials.of(Map.of("/main/token", "tt")));
        EngineCredentials engine = new EngineCredentials(List.of(store), CredentialSettings.defaults(), new ManualClock(START));
        engine.forBuild("main", null, List.of(), new SecretTracker()).get(VarRef.of("token"));
        engine.forBuild("main", null, List.of(), new SecretTracker()).get(VarRef.of("token"));
        assertThat(store.asked()).hasSize(2);
        assertThat(engine.managers()).hasSize(1);
        assertThat(engine.managers().get(0).id()).isEqualTo("static");
    }

    @Test
    void rejectsTwoManagersWithTheSameId() {
        assertThatThrownBy(() -> new EngineCredentials(List.of(StaticCredentials.of(Map.of()), StaticCredentials.of(Map.of())),
                CredentialSettings.defaults(), new ManualClock(START)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both have the id 'static'");
    }

    @Test
    void redactsTheBuildsEventsUnlessTurnedOff() {
        List<BuildEvent> events = new ArrayList<>();
        BuildEventSink sink = events::add;
        SecretTracker tracker = new SecretTracker();
        EngineCredentials on = EngineCredentials.none(new ManualClock(START));
        EngineCredentials off = new EngineCredentials(List.of(), CredentialSettings.defaults().withRedactSecrets(false),
                new ManualClock(START));
        assertThat(on.redacting(sink, tracker)).isInstanceOf(RedactingSink.class);
        assertThat(off.redacting(sink, tracker)).isSameAs(sink);
    }

    @Test
    void endToEndAParamIsInterpolatedAndItsValueRedactedFromTheLog() {
        EngineCredentials engine = new EngineCredentials(List.of(StaticCredentials.of(Map.of("/main/ci/api-key", "s3cr3t-key"))),
                CredentialSettings.defaults(), new ManualClock(START));
        SecretTracker tracker = new SecretTracker();
        CredentialVariables vars = engine.forBuild("main", "ci", List.of(), tracker);
        List<BuildEvent> events = new ArrayList<>();
        BuildEventSink sink = engine.redacting(events::add, tracker);
        Object params = VarInterpolator.create(vars).interpolateTree(Map.of("API_KEY", "((api-key))"));
        assertThat(params).isEqualTo(Map.of("API_KEY", "s3cr3t-key"));
        sink.emit(new BuildEvent.Log(START, new Origin("task", Origin.Source.STDOUT), "using s3cr3t-key\n"));
        assertThat(events).containsExactly(new BuildEvent.Log(START, new Origin("task", Origin.Source.STDOUT),
                "using ((redacted))\n"));
    }
}
