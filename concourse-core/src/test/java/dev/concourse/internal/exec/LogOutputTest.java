package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogOutputTest {
    @TempDir
    Path base;
    ExecHarness harness;
    CollectingSink sink = new CollectingSink();
    LogStream stream;

    @BeforeEach
    void setUp() {
        harness = new ExecHarness(base);
        RunContext run = new RunContext(harness.env(), new BuildMetadata(1, "1", "main", null, null, 0), sink,
                new ArtifactRepository(Map.of()), BuildVariables.root(dev.concourse.vars.StaticVariables.empty(),
                        new dev.concourse.internal.redact.SecretTracker()), () -> { });
        stream = new LogStream(run, "7", Origin.Source.STDOUT);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void everyChunkIsAnEventAtOnceWithoutWaitingForALineEnd() {
        write("abc");
        write("def\nghi");

        assertThat(payloads()).containsExactly("abc", "def\nghi");
        assertThat(sink.ofType(BuildEvent.Log.class).get(0).origin()).isEqualTo(new Origin("7", Origin.Source.STDOUT));
    }

    @Test
    void aHugeChunkBecomesSeveralEventsOfBoundedSizeWithoutSplittingACharacter() {
        String huge = "x".repeat(LogStream.MAX_EVENT_CHARS - 1) + "😀" + "y".repeat(3 * LogStream.MAX_EVENT_CHARS);
        write(huge);

        assertThat(payloads()).hasSize(5).allSatisfy(p -> assertThat(p.length())
                .isLessThanOrEqualTo(LogStream.MAX_EVENT_CHARS));
        assertThat(payloads().getFirst()).hasSize(LogStream.MAX_EVENT_CHARS - 1);
        assertThat(String.join("", payloads())).isEqualTo(huge);
    }

    @Test
    void aCharacterSplitAcrossChunksArrivesWholeInTheLaterEvent() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);

        stream.write(new byte[] {'a', euro[0]}, 0, 2);
        stream.write(euro, 1, 1);
        stream.write(new byte[] {euro[2], emoji[0], emoji[1]}, 0, 3);
        stream.write(new byte[] {emoji[2], emoji[3], 'z'}, 0, 3);

        assertThat(payloads()).containsExactly("a", "€", "😀z");
    }

    @Test
    void invalidBytesBecomeReplacementCharactersAndAnUnfinishedCharacterIsFlushedAtTheEnd() {
        stream.write(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xe2, (byte) 0x82}, 0, 5);
        stream.close();
        stream.write(new byte[] {'x'}, 0, 1);

        assertThat(String.join("", payloads())).isEqualTo("a\ufffdb\ufffd");
    }

    @Test
    void aTasksOutputSplitInsideACharacterIsDecodedWhole() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: split
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'printf "a\\342\\202"; sleep 0.5; printf "\\254b\\n"']}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.ofType(BuildEvent.Log.class)).extracting(BuildEvent.Log::payload)
                .containsExactly("a", "€b\n");
    }

    @Test
    void twentyMegabytesOfOutputArriveComplete() {
        int size = 20 * 1024 * 1024;
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: loud
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'head -c %d /dev/zero | tr "\\000" a; echo end >&2']}
                """.formatted(size)));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        long total = 0;
        boolean onlyAs = true;
        for (BuildEvent.Log log : build.events.ofType(BuildEvent.Log.class)) {
            if (log.origin().source() == Origin.Source.STDOUT) {
                total += log.payload().length();
                onlyAs &= log.payload().chars().allMatch(c -> c == 'a');
            }
        }
        assertThat(total).isEqualTo(size);
        assertThat(onlyAs).isTrue();
        assertThat(build.events.output(build.id("loud"), Origin.Source.STDERR)).isEqualTo("end\n");
    }

    private void write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        stream.write(bytes, 0, bytes.length);
    }

    private java.util.List<String> payloads() {
        return sink.ofType(BuildEvent.Log.class).stream().map(BuildEvent.Log::payload).toList();
    }
}
