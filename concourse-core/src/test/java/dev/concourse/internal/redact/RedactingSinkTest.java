package dev.concourse.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.TaskSummary;
import dev.concourse.internal.event.BuildEventSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RedactingSinkTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Origin OUT = new Origin("task", Origin.Source.STDOUT);
    private static final Origin ERR = new Origin("task", Origin.Source.STDERR);
    private static final Origin OTHER = new Origin("other", Origin.Source.STDOUT);

    private final List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final BuildEventSink downstream = events::add;
    private final SecretTracker tracker = new SecretTracker();
    private final RedactingSink sink = new RedactingSink(downstream, tracker);

    private static BuildEvent.Log log(Origin origin, String payload) {
        return new BuildEvent.Log(T0, origin, payload);
    }

    private List<String> payloads(Origin origin) {
        List<String> out = new ArrayList<>();
        for (BuildEvent event : events) {
            if (event instanceof BuildEvent.Log log && log.origin().equals(origin)) {
                out.add(log.payload());
            }
        }
        return out;
    }

    private String output(Origin origin) {
        return String.join("", payloads(origin));
    }

    @Test
    void redactsASecretInAChunk() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "password is hunter22\n"));
        assertThat(payloads(OUT)).containsExactly("password is ((redacted))\n");
    }

    @Test
    void redactsEachLineOfAMultiLineSecret() {
        tracker.track("-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\n-----END KEY-----\n");
        sink.emit(log(OUT, "key:\n-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\n-----END KEY-----\ndone\n"));
        assertThat(output(OUT)).isEqualTo("key:\n((redacted))\n((redacted))\n((redacted))\ndone\n");
    }

    @Test
    void redactsASecretInsideJson() {
        tracker.track("pa\"ss\\wo\nrd-2");
        sink.emit(log(OUT, "{\"source\":{\"password\":\"pa\\\"ss\\\\wo\\nrd-2\"}}\n"));
        assertThat(output(OUT)).isEqualTo("{\"source\":{\"password\":\"((redacted))\\n((redacted))\"}}\n");
    }

    @Test
    void redactsASecretSplitAcrossTwoChunks() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "password is hun"));
        sink.emit(log(OUT, "ter22, done\n"));
        assertThat(payloads(OUT)).containsExactly("password is ", "((redacted)), done\n");
    }

    @Test
    void redactsASecretSplitAcrossThreeChunks() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "a hu"));
        sink.emit(log(OUT, "nte"));
        sink.emit(log(OUT, "r22 b"));
        assertThat(payloads(OUT)).containsExactly("a ", "((redacted)) b");
    }

    @Test
    void keepsTextThatTurnsOutNotToBeASecret() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "a hunt"));
        sink.emit(log(OUT, "ing trip\n"));
        assertThat(payloads(OUT)).containsExactly("a ", "hunting trip\n");
    }

    @Test
    void keepsOriginsApartWhenTheirChunksInterleave() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "out hun"));
        sink.emit(log(ERR, "err hun"));
        sink.emit(log(OTHER, "other hunter"));
        sink.emit(log(OUT, "ter22!"));
        sink.emit(log(ERR, "gry!"));
        sink.emit(log(OTHER, "22!"));
        assertThat(output(OUT)).isEqualTo("out ((redacted))!");
        assertThat(output(ERR)).isEqualTo("err hungry!");
        assertThat(output(OTHER)).isEqualTo("other ((redacted))!");
    }

    @Test
    void doesNotRedactOneCharacterSecrets() {
        tracker.track("x");
        BuildEvent.Log event = log(OUT, "x marks the spot");
        sink.emit(event);
        assertThat(events).containsExactly(event);
        assertThat(events.get(0)).isSameAs(event);
    }

    @Test
    void passesEventsWithoutSecretsOnAsTheSameObjects() {
        BuildEvent.Log before = log(OUT, "nothing tracked yet\n");
        sink.emit(before);
        tracker.track("hunter22");
        BuildEvent.Log after = log(OUT, "still nothing secret\n");
        sink.emit(after);
        BuildEvent.Error error = new BuildEvent.Error(T0, Origin.of("task"), "failed");
        sink.emit(error);
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isSameAs(before);
        assertThat(events.get(1)).isSameAs(after);
        assertThat(events.get(2)).isSameAs(error);
    }

    @Test
    void emitsASecretAtTheVeryEndOfAStepAtOnceWhenNothingLongerCouldFollow() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "the end: hunter22"));
        assertThat(payloads(OUT)).containsExactly("the end: ((redacted))");
    }

    @Test
    void flushesWhatIsHeldBackWhenTheStepFinishes() {
        tracker.track("hunter22");
        tracker.track("hunter22-longer");
        sink.emit(log(OUT, "the end: hunter22"));
        sink.emit(log(ERR, "err: hunt"));
        assertThat(payloads(OUT)).containsExactly("the end: ");
        BuildEvent.FinishTask finish = new BuildEvent.FinishTask(T0.plusSeconds(1), Origin.of("task"), 0);
        sink.emit(finish);
        assertThat(events).hasSize(5);
        assertThat(events.subList(2, 4)).containsExactlyInAnyOrder(new BuildEvent.Log(T0, OUT, "((redacted))"),
                new BuildEvent.Log(T0, ERR, "hunt"));
        assertThat(events.get(4)).isSameAs(finish);
    }

    @Test
    void flushesOnFinishErrorOfTheStepAndStatusButNotOnOtherSteps() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "a hun"));
        sink.emit(log(OTHER, "b hun"));
        sink.emit(new BuildEvent.Finish(T0, Origin.of("unrelated"), true));
        assertThat(output(OUT)).isEqualTo("a ");
        sink.emit(new BuildEvent.Error(T0, Origin.of("task"), "step hunter22 failed"));
        assertThat(output(OUT)).isEqualTo("a hun");
        assertThat(events.get(events.size() - 1)).isEqualTo(new BuildEvent.Error(T0, Origin.of("task"),
                "step ((redacted)) failed"));
        assertThat(output(OTHER)).isEqualTo("b ");
        sink.emit(new BuildEvent.Status(T0, BuildStatus.FAILED));
        assertThat(output(OTHER)).isEqualTo("b hun");
        assertThat(events.get(events.size() - 1)).isInstanceOf(BuildEvent.Status.class);
    }

    @Test
    void emitsHeldTextBeforeAnyOtherEventOfTheSameStep() {
        tracker.track("hunter22");
        sink.emit(log(OUT, "a hun"));
        BuildEvent.SelectedWorker selected = new BuildEvent.SelectedWorker(T0, Origin.of("task"), "w1");
        sink.emit(selected);
        sink.emit(log(OUT, "gry"));
        assertThat(events).containsExactly(log(OUT, "a "), log(OUT, "hun"), selected, log(OUT, "gry"));
    }

    @Test
    void redactsErrorsOfTheBuildAndTaskConfigs() {
        tracker.track("hunter22");
        sink.emit(new BuildEvent.Error(T0, null, "build failed: hunter22"));
        TaskSummary config = new TaskSummary("linux", "docker:///img?token=hunter22", "/bin/hunter22",
                List.of("--password", "hunter22", "--user=hunter22"), "/tmp/hunter22", List.of(new TaskSummary.Input("in", "")));
        sink.emit(new BuildEvent.InitializeTask(T0, Origin.of("task"), config));
        sink.emit(new BuildEvent.StartTask(T0, Origin.of("task"), config));
        TaskSummary redacted = new TaskSummary("linux", "docker:///img?token=((redacted))", "/bin/((redacted))",
                List.of("--password", "((redacted))", "--user=((redacted))"), "/tmp/((redacted))",
                List.of(new TaskSummary.Input("in", "")));
        assertThat(events).containsExactly(
                new BuildEvent.Error(T0, null, "build failed: ((redacted))"),
                new BuildEvent.InitializeTask(T0, Origin.of("task"), redacted),
                new BuildEvent.StartTask(T0, Origin.of("task"), redacted));
        TaskSummary clean = new TaskSummary("linux", "", "/bin/sh", List.of("-c", "true"), "", List.of());
        BuildEvent.StartTask start = new BuildEvent.StartTask(T0, Origin.of("task"), clean);
        sink.emit(start);
        assertThat(events.get(3)).isSameAs(start);
    }

    @Test
    void secretsTrackedLaterApplyToLaterChunks() {
        sink.emit(log(OUT, "early hunter22\n"));
        tracker.track("hunter22");
        sink.emit(log(OUT, "late hunter22\n"));
        assertThat(payloads(OUT)).containsExactly("early hunter22\n", "late ((redacted))\n");
    }

    @Test
    void wrapReturnsTheDelegateWhenRedactionIsOff() {
        assertThat(RedactingSink.wrap(downstream, tracker, false)).isSameAs(downstream);
        assertThat(RedactingSink.wrap(downstream, tracker, true)).isInstanceOf(RedactingSink.class);
    }

    @Test
    void neverLosesOrReordersTextWhateverTheChunking() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            events.clear();
            SecretTracker roundTracker = new SecretTracker();
            RedactingSink roundSink = new RedactingSink(downstream, roundTracker);
            List<String> secrets = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                String secret = randomText(random, 2 + random.nextInt(6), "ab");
                secrets.add(secret);
                roundTracker.track(secret);
            }
            String[] texts = {randomText(random, random.nextInt(200), "abc"), randomText(random, random.nextInt(200), "abc")};
            Origin[] origins = {OUT, ERR};
            int[] at = {0, 0};
            while (at[0] < texts[0].length() || at[1] < texts[1].length()) {
                int which = random.nextInt(2);
                if (at[which] >= texts[which].length()) {
                    continue;
                }
                int end = Math.min(texts[which].length(), at[which] + 1 + random.nextInt(12));
                roundSink.emit(log(origins[which], texts[which].substring(at[which], end)));
                at[which] = end;
            }
            roundSink.emit(new BuildEvent.FinishTask(T0, Origin.of("task"), 0));
            for (int i = 0; i < 2; i++) {
                assertThat(output(origins[i])).as("secrets %s in %s", secrets, texts[i])
                        .isEqualTo(NaiveRedaction.redact(texts[i], secrets, SecretTracker.REDACTED));
            }
            assertThat(events.get(events.size() - 1)).isInstanceOf(BuildEvent.FinishTask.class);
        }
    }

    @Test
    void keepsEachOriginsOrderWhenStepsEmitConcurrently() throws Exception {
        tracker.track("hunter22");
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                Origin origin = new Origin("step-" + t, Origin.Source.STDOUT);
                futures.add(threads.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        sink.emit(log(origin, i + ":hun"));
                        sink.emit(log(origin, "ter22;"));
                    }
                    sink.emit(new BuildEvent.Finish(T0, Origin.of(origin.id()), true));
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        for (int t = 0; t < 8; t++) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                expected.append(i).append(":((redacted));");
            }
            assertThat(output(new Origin("step-" + t, Origin.Source.STDOUT))).isEqualTo(expected.toString());
        }
    }

    private static String randomText(Random random, int length, String alphabet) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
