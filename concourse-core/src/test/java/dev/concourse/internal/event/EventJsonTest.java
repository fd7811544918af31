package dev.concourse.internal.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildPlan;
import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import dev.concourse.event.TaskSummary;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.StoredEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON of each event type against literal strings in the shape of Concourse's
 * {@code atc/event/events.go} (keys, key order, omitempty, times in Unix seconds).
 */
class EventJsonTest {
    private static final Instant T = Instant.ofEpochSecond(1_700_000_000L);
    private static final Origin STDOUT = new Origin("5f3a", Origin.Source.STDOUT);
    private static final Origin STEP = Origin.of("5f3a");
    private static final TaskSummary TASK = new TaskSummary("linux", "docker:///busybox", "sh",
            List.of("-c", "echo hi"), "src", List.of(new TaskSummary.Input("repo", ""),
                    new TaskSummary.Input("cache", "tmp/cache")));
    private static final TaskSummary BARE_TASK = new TaskSummary("linux", "", "true", List.of(), "", List.of());

    static Stream<Arguments> concourseShapes() {
        return Stream.of(
                Arguments.of(new BuildEvent.Status(T, BuildStatus.STARTED),
                        "{\"event\":\"status\",\"version\":\"1.0\",\"data\":{\"status\":\"started\",\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.Status(T, BuildStatus.SUCCEEDED),
                        "{\"event\":\"status\",\"version\":\"1.0\",\"data\":{\"status\":\"succeeded\",\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.Log(T, STDOUT, "hello\n"),
                        "{\"event\":\"log\",\"version\":\"5.1\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\",\"source\":\"stdout\"},\"payload\":\"hello\\n\"}}"),
                Arguments.of(new BuildEvent.Log(T, new Origin("5f3a", Origin.Source.STDERR), "oops"),
                        "{\"event\":\"log\",\"version\":\"5.1\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\",\"source\":\"stderr\"},\"payload\":\"oops\"}}"),
                Arguments.of(new BuildEvent.Error(T, STEP, "no workers"),
                        "{\"event\":\"error\",\"version\":\"4.1\",\"data\":{\"message\":\"no workers\","
                                + "\"origin\":{\"id\":\"5f3a\"},\"time\":1700000000}}"),
                // A build-level error: Go's Origin is a struct, so no origin is {}.
                Arguments.of(new BuildEvent.Error(T, null, "pipeline not found"),
                        "{\"event\":\"error\",\"version\":\"4.1\",\"data\":{\"message\":\"pipeline not found\","
                                + "\"origin\":{},\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.InitializeTask(T, STEP, TASK),
                        "{\"event\":\"initialize-task\",\"version\":\"4.0\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\"},\"config\":{\"platform\":\"linux\","
                                + "\"image\":\"docker:///busybox\",\"run\":{\"path\":\"sh\",\"args\":[\"-c\",\"echo hi\"],"
                                + "\"dir\":\"src\"},\"inputs\":[{\"name\":\"repo\",\"path\":\"\"},"
                                + "{\"name\":\"cache\",\"path\":\"tmp/cache\"}]}}}"),
                // Go's nil slices: no args, no inputs.
                Arguments.of(new BuildEvent.StartTask(T, STEP, BARE_TASK),
                        "{\"event\":\"start-task\",\"version\":\"5.0\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\"},\"config\":{\"platform\":\"linux\",\"image\":\"\","
                                + "\"run\":{\"path\":\"true\",\"args\":null,\"dir\":\"\"},\"inputs\":null}}}"),
                Arguments.of(new BuildEvent.FinishTask(T, STEP, 1),
                        "{\"event\":\"finish-task\",\"version\":\"4.0\",\"data\":{\"time\":1700000000,"
                                + "\"exit_status\":1,\"origin\":{\"id\":\"5f3a\"}}}"),
                Arguments.of(new BuildEvent.Initialize(T, STEP),
                        "{\"event\":\"initialize\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000}}"),
                // time is omitempty for initialize and start.
                Arguments.of(new BuildEvent.Initialize(Instant.EPOCH, STEP),
                        "{\"event\":\"initialize\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"}}}"),
                Arguments.of(new BuildEvent.Start(T, STEP),
                        "{\"event\":\"start\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.Finish(T, STEP, true),
                        "{\"event\":\"finish\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000,\"succeeded\":true}}"),
                Arguments.of(new BuildEvent.Finish(T, STEP, false),
                        "{\"event\":\"finish\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000,\"succeeded\":false}}"),
                Arguments.of(new BuildEvent.WaitingForWorker(T, STEP),
                        "{\"event\":\"waiting-for-worker\",\"version\":\"1.0\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\"}}}"),
                Arguments.of(new BuildEvent.SelectedWorker(T, STEP, "local"),
                        "{\"event\":\"selected-worker\",\"version\":\"1.0\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\"},\"selected_worker\":\"local\"}}"),
                // Concourse's struct is {origin, changed}; the time is ours, after them.
                Arguments.of(new BuildEvent.SetPipelineChanged(T, STEP, true),
                        "{\"event\":\"set-pipeline-changed\",\"version\":\"1.0\",\"data\":{"
                                + "\"origin\":{\"id\":\"5f3a\"},\"changed\":true,\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.AcrossSubsteps(T, STEP, List.of(
                        new BuildEvent.AcrossSubsteps.Substep(new BuildPlan("5f3a/0/0", "task", "unit-linux",
                                List.of()), java.util.Arrays.asList("linux", 1, null)),
                        new BuildEvent.AcrossSubsteps.Substep(new BuildPlan("5f3a/1/0", "try", null,
                                List.of(new BuildPlan("5f3a/1/1", "task", "unit", List.of()))),
                                List.of(java.util.Map.of("os", "darwin"), List.of(true))))),
                        "{\"event\":\"across-substeps\",\"version\":\"1.0\",\"data\":{\"time\":1700000000,"
                                + "\"origin\":{\"id\":\"5f3a\"},\"substeps\":["
                                + "{\"step\":{\"id\":\"5f3a/0/0\",\"kind\":\"task\",\"name\":\"unit-linux\"},"
                                + "\"values\":[\"linux\",1,null]},"
                                + "{\"step\":{\"id\":\"5f3a/1/0\",\"kind\":\"try\",\"children\":["
                                + "{\"id\":\"5f3a/1/1\",\"kind\":\"task\",\"name\":\"unit\"}]},"
                                + "\"values\":[{\"os\":\"darwin\"},[true]]}]}}"),
                // get and put: time omitempty on initialize and start, as for the generic steps.
                Arguments.of(new BuildEvent.InitializeGet(T, STEP),
                        "{\"event\":\"initialize-get\",\"version\":\"2.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.InitializeGet(Instant.EPOCH, STEP),
                        "{\"event\":\"initialize-get\",\"version\":\"2.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"}}}"),
                Arguments.of(new BuildEvent.StartGet(T, STEP),
                        "{\"event\":\"start-get\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000}}"),
                // Version keys sorted as Go writes maps; metadata in the order reported.
                Arguments.of(new BuildEvent.FinishGet(T, STEP, 0, new Version(Map.of("ref", "61cebf", "branch", "main")),
                        List.of(new MetadataField("message", "fix"), new MetadataField("author", "ann"))),
                        "{\"event\":\"finish-get\",\"version\":\"5.1\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000,\"exit_status\":0,\"version\":{\"branch\":\"main\",\"ref\":\"61cebf\"},"
                                + "\"metadata\":[{\"name\":\"message\",\"value\":\"fix\"},"
                                + "{\"name\":\"author\",\"value\":\"ann\"}]}}"),
                // A failed script: Go's nil version is null, empty metadata is omitted.
                Arguments.of(new BuildEvent.FinishGet(T, STEP, 3, null, List.of()),
                        "{\"event\":\"finish-get\",\"version\":\"5.1\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000,\"exit_status\":3,\"version\":null}}"),
                Arguments.of(new BuildEvent.InitializePut(T, STEP),
                        "{\"event\":\"initialize-put\",\"version\":\"2.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.StartPut(T, STEP),
                        "{\"event\":\"start-put\",\"version\":\"1.0\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000}}"),
                Arguments.of(new BuildEvent.FinishPut(T, STEP, 0, Version.of("version", "2"), List.of()),
                        "{\"event\":\"finish-put\",\"version\":\"5.1\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000,\"exit_status\":0,\"version\":{\"version\":\"2\"}}}"),
                Arguments.of(new BuildEvent.FinishPut(T, STEP, 1, null, List.of()),
                        "{\"event\":\"finish-put\",\"version\":\"5.1\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                                + "\"time\":1700000000,\"exit_status\":1,\"version\":null}}"));
    }

    @ParameterizedTest
    @MethodSource("concourseShapes")
    void encodesConcourseShape(BuildEvent event, String json) {
        assertThat(EventJson.encode(event)).isEqualTo(json);
    }

    @ParameterizedTest
    @MethodSource("concourseShapes")
    void decodesConcourseShape(BuildEvent event, String json) {
        assertThat(EventJson.decode(json)).isEqualTo(event);
    }

    @Test
    void everyEventTypeHasAShape() {
        List<Class<?>> covered = concourseShapes().<Class<?>>map(a -> a.get()[0].getClass()).distinct().toList();
        assertThat(covered).containsExactlyInAnyOrder(BuildEvent.class.getPermittedSubclasses());
    }

    @Test
    void decodesAFinishGetAsConcourseSendsIt() {
        // Go key order (data first), event_id, and a version field null in Go's map decoding.
        String go = "{\"data\":{\"origin\":{\"id\":\"5f3a\"},\"time\":1700000000,\"exit_status\":0,"
                + "\"version\":{\"ref\":\"abc\",\"tag\":null},\"metadata\":[{\"name\":\"m\",\"value\":\"v\"}]},"
                + "\"event\":\"finish-get\",\"version\":\"5.1\",\"event_id\":\"9\"}";
        assertThat(EventJson.decode(go)).isEqualTo(new BuildEvent.FinishGet(T, STEP, 0,
                new Version(Map.of("ref", "abc", "tag", "")), List.of(new MetadataField("m", "v"))));
        assertThatThrownBy(() -> EventJson.decode("{\"event\":\"finish-put\",\"version\":\"5.1\",\"data\":{"
                + "\"version\":{\"n\":1}}}"))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("version field \"n\" must be a string");
    }

    @Test
    void decodesGoKeyOrderWithEventId() {
        // What Concourse's API sends: encoding/json writes the Envelope struct's fields in order.
        String go = "{\"data\":{\"time\":1700000000,\"origin\":{\"id\":\"5f3a\",\"source\":\"stdout\"},"
                + "\"payload\":\"hello\\n\"},\"event\":\"log\",\"version\":\"5.1\",\"event_id\":\"3\"}";
        assertThat(EventJson.decode(go)).isEqualTo(new BuildEvent.Log(T, STDOUT, "hello\n"));
    }

    @Test
    void decodesNewerMinorVersionAndIgnoresKeysItAdds() {
        String json = "{\"event\":\"finish\",\"version\":\"1.7\",\"data\":{\"origin\":{\"id\":\"5f3a\"},"
                + "\"time\":1700000000,\"succeeded\":true,\"duration\":{\"seconds\":[1,2]}}}";
        assertThat(EventJson.decode(json)).isEqualTo(new BuildEvent.Finish(T, STEP, true));
    }

    @Test
    void missingKeysDecodeAsGoZeroValues() {
        assertThat(EventJson.decode("{\"event\":\"log\",\"version\":\"5.1\",\"data\":{}}"))
                .isEqualTo(new BuildEvent.Log(Instant.EPOCH, null, ""));
        assertThat(EventJson.decode("{\"event\":\"finish-task\",\"version\":\"4.0\",\"data\":{\"origin\":null}}"))
                .isEqualTo(new BuildEvent.FinishTask(Instant.EPOCH, null, 0));
    }

    @Test
    void rejectsUnknownEventTypeNamingTheKnownOnes() {
        String json = "{\"event\":\"image-get\",\"version\":\"1.1\",\"data\":{\"time\":1,\"plan\":{}}}";
        assertThatThrownBy(() -> EventJson.decode(json))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("unknown event type \"image-get\"")
                .hasMessageContaining("log, error")
                .hasMessageContaining("finish-get, initialize-put");
    }

    @Test
    void rejectsIncompatibleMajorVersion() {
        String json = "{\"event\":\"log\",\"version\":\"4.0\",\"data\":{\"time\":1,\"payload\":\"x\"}}";
        assertThatThrownBy(() -> EventJson.decode(json))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("\"log\" version 4.0 is not compatible with version 5.1");
    }

    @Test
    void rejectsMalformedAndIncompleteJson() {
        assertThatThrownBy(() -> EventJson.decode("{\"event\":\"log\",")).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("cannot decode build event");
        assertThatThrownBy(() -> EventJson.decode("[1]")).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> EventJson.decode("{\"event\":\"log\",\"version\":\"5.1\"}"))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("\"data\"");
        assertThatThrownBy(() -> EventJson.decode("{\"event\":\"status\",\"version\":\"1.0\",\"data\":"
                + "{\"status\":\"sleeping\",\"time\":1}}"))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("unknown build status \"sleeping\"");
        assertThatThrownBy(() -> EventJson.decode("{\"event\":\"log\",\"version\":\"5.1\",\"data\":"
                + "{\"origin\":{\"id\":\"a\",\"source\":\"stdin\"}}}"))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("unknown origin source \"stdin\"");
        assertThatThrownBy(() -> EventJson.decode("{\"event\":\"log\",\"version\":\"5.1\",\"data\":"
                + "{\"time\":\"yesterday\"}}"))
                .isInstanceOf(EventDecodingException.class);
    }

    @Test
    void storedEventDecodingNamesBuildAndSequence() {
        StoredEvent stored = new StoredEvent(7, "nope", "{\"event\":\"nope\",\"version\":\"1.0\",\"data\":{}}");
        assertThatThrownBy(() -> EventJson.decode(42, stored))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("build 42, event 7: ");
        StoredEvent log = EventJson.toStored(3, new BuildEvent.Log(T, STDOUT, "x"));
        assertThat(log.type()).isEqualTo("log");
        assertThat(EventJson.decode(42, log)).isEqualTo(new SequencedEvent(42, 3, new BuildEvent.Log(T, STDOUT, "x")));
    }

    @Test
    void timesAreWholeSecondsRoundedDown() {
        Instant precise = Instant.parse("2024-05-01T10:15:30.999999999Z");
        BuildEvent event = new BuildEvent.FinishTask(precise, STEP, 0);
        assertThat(EventJson.encode(event)).contains("\"time\":" + precise.getEpochSecond() + ",");
        assertThat(EventJson.decode(EventJson.encode(event)))
                .isEqualTo(EventJson.truncateToSeconds(event))
                .isEqualTo(new BuildEvent.FinishTask(precise.truncatedTo(ChronoUnit.SECONDS), STEP, 0));
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.5Z");
        assertThat(EventJson.decode(EventJson.encode(new BuildEvent.Status(beforeEpoch, BuildStatus.PENDING))).time())
                .isEqualTo(Instant.ofEpochSecond(-1));
    }

    @Test
    void truncatingKeepsAnEventOfWholeSeconds() {
        BuildEvent event = new BuildEvent.Log(T, STDOUT, "x");
        assertThat(EventJson.truncateToSeconds(event)).isSameAs(event);
    }

    @Test
    void everyTypeRoundTripsWithSubSecondTimes() {
        Instant precise = T.plusMillis(250);
        concourseShapes().map(a -> (BuildEvent) a.get()[0])
                .filter(e -> !e.time().equals(Instant.EPOCH))
                .forEach(e -> {
                    BuildEvent withNanos = shift(e, precise);
                    assertThat(withNanos.time()).isEqualTo(precise);
                    assertThat(EventJson.decode(EventJson.encode(withNanos))).isEqualTo(e);
                    assertThat(EventJson.truncateToSeconds(withNanos)).isEqualTo(e);
                });
    }

    @Test
    void payloadTextSurvivesWhateverItHolds() {
        String payload = "quote \" backslash \\ tab \t cr \r nul \u0000 bell \u0007 <html>&amp; "
                + "umlaut \u00e4 cjk \u4e2d emoji \uD83D\uDE00 line sep \u2028 end\n";
        BuildEvent event = new BuildEvent.Log(T, STDOUT, payload);
        assertThat(EventJson.decode(EventJson.encode(event))).isEqualTo(event);
        // A chunk boundary can split a surrogate pair; each half survives on its own.
        BuildEvent half = new BuildEvent.Log(T, STDOUT, "split \uD83D");
        assertThat(EventJson.decode(EventJson.encode(half))).isEqualTo(half);
    }

    @Test
    void logEventsAreWrittenAsJacksonsGeneratorWritesThem() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            every.append(c).append('x');
        }
        every.append(Character.MAX_VALUE);
        String text = every.toString();
        List<Origin> origins = Arrays.asList(null, STDOUT, STEP, new Origin("", Origin.Source.STDERR), Origin.of(""),
                new Origin(text, Origin.Source.STDOUT));
        List<String> payloads = Arrays.asList(null, "", "plain", "\"", "\\", "a\u0000b\u001fc\u007fd", "\uDE00\uD83D",
                text);
        List<Instant> times = List.of(T, Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.MAX, Instant.MIN);
        for (Origin origin : origins) {
            for (String payload : payloads) {
                for (Instant time : times) {
                    BuildEvent.Log event = new BuildEvent.Log(time, origin, payload);
                    assertThat(EventJson.encode(event))
                            .as("origin %s, payload %s", origin, payload == null ? null : payload.length() + " chars")
                            .isEqualTo(EventJson.encodeWithGenerator(event));
                }
            }
        }
    }

    @Test
    void aLargePayloadRoundTrips() {
        String payload = "0123456789abcdef".repeat(64 * 1024 / 16);
        BuildEvent event = new BuildEvent.Log(T, STDOUT, payload);
        String json = EventJson.encode(event);
        assertThat(json).hasSize(payload.length() + 112);
        assertThat(EventJson.decode(json)).isEqualTo(event);
    }

    @Test
    void encodingRequiresATime() {
        assertThatThrownBy(() -> EventJson.encode(new BuildEvent.Start(null, STEP)))
                .isInstanceOf(NullPointerException.class).hasMessage("a start event needs a time");
    }

    private static BuildEvent shift(BuildEvent event, Instant t) {
        return switch (event) {
            case BuildEvent.Status e -> new BuildEvent.Status(t, e.status());
            case BuildEvent.Log e -> new BuildEvent.Log(t, e.origin(), e.payload());
            case BuildEvent.Error e -> new BuildEvent.Error(t, e.origin(), e.message());
            case BuildEvent.InitializeTask e -> new BuildEvent.InitializeTask(t, e.origin(), e.config());
            case BuildEvent.StartTask e -> new BuildEvent.StartTask(t, e.origin(), e.config());
            case BuildEvent.FinishTask e -> new BuildEvent.FinishTask(t, e.origin(), e.exitStatus());
            case BuildEvent.Initialize e -> new BuildEvent.Initialize(t, e.origin());
            case BuildEvent.Start e -> new BuildEvent.Start(t, e.origin());
            case BuildEvent.Finish e -> new BuildEvent.Finish(t, e.origin(), e.succeeded());
            case BuildEvent.WaitingForWorker e -> new BuildEvent.WaitingForWorker(t, e.origin());
            case BuildEvent.SelectedWorker e -> new BuildEvent.SelectedWorker(t, e.origin(), e.worker());
            case BuildEvent.SetPipelineChanged e -> new BuildEvent.SetPipelineChanged(t, e.origin(), e.changed());
            case BuildEvent.AcrossSubsteps e -> new BuildEvent.AcrossSubsteps(t, e.origin(), e.substeps());
            case BuildEvent.InitializeGet e -> new BuildEvent.InitializeGet(t, e.origin());
            case BuildEvent.StartGet e -> new BuildEvent.StartGet(t, e.origin());
            case BuildEvent.FinishGet e -> new BuildEvent.FinishGet(t, e.origin(), e.exitStatus(), e.fetchedVersion(),
                    e.metadata());
            case BuildEvent.InitializePut e -> new BuildEvent.InitializePut(t, e.origin());
            case BuildEvent.StartPut e -> new BuildEvent.StartPut(t, e.origin());
            case BuildEvent.FinishPut e -> new BuildEvent.FinishPut(t, e.origin(), e.exitStatus(), e.createdVersion(),
                    e.metadata());
        };
    }
}
