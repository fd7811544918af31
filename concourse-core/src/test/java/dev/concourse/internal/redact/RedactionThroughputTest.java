package dev.concourse.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * 50 MB of output with 100 tracked secrets, written in chunks of up to 64 KiB by two streams:
 * every secret (about 5,000 occurrences, many split across chunks) is redacted, nothing else
 * changes, and it is fast enough for a hot log path.
 */
class RedactionThroughputTest {

    private static final int TOTAL_CHARS = 50 * 1024 * 1024;
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void redactsFiftyMegabytesWithAHundredSecretsQuickly(TestReporter reporter) {
        Random random = new Random(2024);
        List<String> secrets = new ArrayList<>();
        SecretTracker tracker = new SecretTracker();
        for (int i = 0; i < 100; i++) {
            String secret = randomSecret(random);
            secrets.add(secret);
            tracker.track(secret);
        }
        // Filler is lower case, secrets upper case and digits: they cannot match by accident.
        StringBuilder input = new StringBuilder(TOTAL_CHARS + 1024);
        StringBuilder expected = new StringBuilder(TOTAL_CHARS + 1024);
        int occurrences = 0;
        while (input.length() < TOTAL_CHARS) {
            int filler = 2_000 + random.nextInt(16_000);
            for (int i = 0; i < filler; i++) {
                char c = random.nextInt(12) == 0 ? (random.nextInt(8) == 0 ? '\n' : ' ') : (char) ('a' + random.nextInt(26));
                input.append(c);
                expected.append(c);
            }
            String secret = secrets.get(random.nextInt(secrets.size()));
            input.append(secret);
            expected.append(SecretTracker.REDACTED);
            occurrences++;
        }
        String text = input.toString();
        Origin[] origins = {new Origin("task", Origin.Source.STDOUT), new Origin("task", Origin.Source.STDERR)};
        List<BuildEvent.Log> chunks = new ArrayList<>();
        for (int at = 0; at < text.length(); ) {
            int end = Math.min(text.length(), at + 1 + random.nextInt(64 * 1024));
            chunks.add(new BuildEvent.Log(T0, origins[0], text.substring(at, end)));
            chunks.add(new BuildEvent.Log(T0, origins[1], text.substring(at, end)));
            at = end;
        }

        Set<BuildEvent> originals = Collections.newSetFromMap(new IdentityHashMap<>());
        originals.addAll(chunks);
        StringBuilder[] outputs = {new StringBuilder(expected.length()), new StringBuilder(expected.length())};
        int[] unchanged = new int[1];
        RedactingSink sink = new RedactingSink(event -> {
            if (event instanceof BuildEvent.Log log) {
                outputs[log.origin().source() == Origin.Source.STDOUT ? 0 : 1].append(log.payload());
                if (originals.contains(log)) {
                    unchanged[0]++;
                }
            }
        }, tracker);

        long start = System.nanoTime();
        for (BuildEvent.Log chunk : chunks) {
            sink.emit(chunk);
        }
        sink.emit(new BuildEvent.FinishTask(T0, Origin.of("task"), 0));
        long nanos = System.nanoTime() - start;

        String want = expected.toString();
        assertThat(outputs[0].toString()).isEqualTo(want);
        assertThat(outputs[1].toString()).isEqualTo(want);
        double megabytes = 2.0 * text.length() / (1024 * 1024);
        double rate = megabytes / (nanos / 1e9);
        reporter.publishEntry("redaction", String.format(Locale.ROOT,
                "%.0f MB (2 streams x %d MB), %d chunks, %d secrets tracked, %d occurrences per stream, "
                        + "%d chunks passed on untouched, %.0f ms, %.0f MB/s", megabytes, text.length() / (1024 * 1024),
                chunks.size(), secrets.size(), occurrences, unchanged[0], nanos / 1e6, rate));
        // A floor far below what it does, to catch an accidental quadratic or per-secret pass.
        assertThat(rate).isGreaterThan(20.0);
    }

    @Test
    void passesFiftyMegabytesWithoutSecretsOnUntouched(TestReporter reporter) {
        Random random = new Random(2025);
        SecretTracker tracker = new SecretTracker();
        for (int i = 0; i < 100; i++) {
            tracker.track(randomSecret(random));
        }
        // Output made of the secrets' own alphabet and more, so the scan keeps starting partial
        // matches (the slow path), yet no 16-char secret occurs by chance.
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 =:-_/\n";
        List<BuildEvent.Log> chunks = new ArrayList<>();
        Origin origin = new Origin("task", Origin.Source.STDOUT);
        long chars = 0;
        while (chars < TOTAL_CHARS) {
            char[] chunk = new char[1 + random.nextInt(64 * 1024)];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            // End each chunk with a newline, as line-buffered output does, so nothing is held back.
            chunk[chunk.length - 1] = '\n';
            chunks.add(new BuildEvent.Log(T0, origin, new String(chunk)));
            chars += chunk.length;
        }
        List<BuildEvent> received = new ArrayList<>(chunks.size());
        RedactingSink sink = new RedactingSink(received::add, tracker);

        long start = System.nanoTime();
        for (BuildEvent.Log chunk : chunks) {
            sink.emit(chunk);
        }
        long nanos = System.nanoTime() - start;

        assertThat(received).hasSameSizeAs(chunks);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(received.get(i)).isSameAs(chunks.get(i));
        }
        double rate = chars / (1024.0 * 1024) / (nanos / 1e9);
        reporter.publishEntry("no secrets", String.format(Locale.ROOT,
                "%d MB in %d chunks, 100 secrets tracked, all passed on as the same objects, %.0f ms, %.0f MB/s",
                chars / (1024 * 1024), chunks.size(), nanos / 1e6, rate));
        assertThat(rate).isGreaterThan(20.0);
    }

    private static String randomSecret(Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder s = new StringBuilder();
        int length = 16 + random.nextInt(25);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
