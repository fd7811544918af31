package dev.concourse.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SecretTrackerTest {

    private final SecretTracker tracker = new SecretTracker();

    @Test
    void redactsATrackedString() {
        tracker.track("hunter22");
        assertThat(tracker.redact("password=hunter22; again hunter22")).isEqualTo("password=((redacted)); again ((redacted))");
    }

    @Test
    void flattensMapsAndListsToTheirStrings() {
        tracker.track(Map.of("user", "ci-user", "nested", Map.of("keys", List.of("key-one", "key-two")), "port", 5432,
                "enabled", true));
        assertThat(tracker.redact("ci-user key-one key-two 5432 true"))
                .isEqualTo("((redacted)) ((redacted)) ((redacted)) 5432 true");
    }

    @Test
    void redactsEachLineOfAMultiLineSecretTrimmedAndSkipsOneCharLines() {
        tracker.track("-----BEGIN KEY-----\n  MIIEabc  \r\n\nx\n-----END KEY-----\n");
        assertThat(tracker.redact("-----BEGIN KEY-----\nMIIEabc\n\nx\n-----END KEY-----"))
                .isEqualTo("((redacted))\n((redacted))\n\nx\n((redacted))");
    }

    @Test
    void oneCharacterSecretsAreNotRedacted() {
        tracker.track("x");
        tracker.track("😀");
        tracker.track(" y \n");
        assertThat(tracker.isEmpty()).isTrue();
        String text = "x marks the 😀 y";
        assertThat(tracker.redact(text)).isSameAs(text);
        tracker.track("é!");
        assertThat(tracker.redact("café!")).isEqualTo("caf((redacted))");
    }

    @Test
    void redactsTheFormsASecretTakesInsideJson() {
        tracker.track("pa\"ss\\word");
        tracker.track("line-one\nline-two");
        tracker.track("a<b&c>d");
        tracker.track("naïve-pw");
        tracker.track("tab\there");
        assertThat(tracker.redact("{\"password\":\"pa\\\"ss\\\\word\"}")).isEqualTo("{\"password\":\"((redacted))\"}");
        assertThat(tracker.redact("{\"key\":\"line-one\\nline-two\\n\"}")).isEqualTo("{\"key\":\"((redacted))\\n((redacted))\\n\"}");
        assertThat(tracker.redact("{\"go\":\"a\\u003cb\\u0026c\\u003ed\"}")).isEqualTo("{\"go\":\"((redacted))\"}");
        assertThat(tracker.redact("{\"py\":\"na\\u00efve-pw\"}")).isEqualTo("{\"py\":\"((redacted))\"}");
        assertThat(tracker.redact("{\"t\":\"tab\\there\"}")).isEqualTo("{\"t\":\"((redacted))\"}");
    }

    @Test
    void neverForgetsAValueThatChanged() {
        tracker.track(Map.of("token", "old-value"));
        tracker.track(Map.of("token", "new-value"));
        assertThat(tracker.redact("old-value new-value")).isEqualTo("((redacted)) ((redacted))");
    }

    @Test
    void keepsNullAndUntouchedText() {
        tracker.track(null);
        assertThat(tracker.isEmpty()).isTrue();
        tracker.track("secret-1");
        assertThat(tracker.redact(null)).isNull();
        String clean = "clean output";
        assertThat(tracker.redact(clean)).isSameAs(clean);
    }

    @Test
    void tracksTheSameValueAgainWithoutRecompiling() {
        tracker.track("secret-1");
        SecretMatcher before = tracker.matcher();
        tracker.track(Map.of("again", "secret-1"));
        assertThat(tracker.matcher()).isSameAs(before);
    }

    @Test
    void tracksAndRedactsFromManyThreads() throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                int id = t;
                futures.add(threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        String secret = "secret-" + id + "-" + i;
                        tracker.track(secret);
                        assertThat(tracker.redact("<" + secret + ">")).isEqualTo("<((redacted))>");
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(tracker.redact("secret-7-49 secret-0-0")).isEqualTo("((redacted)) ((redacted))");
    }
}
