package dev.concourse.internal.event;

import dev.concourse.BuildPlan;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.SequencedEvent;
import dev.concourse.event.TaskSummary;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.StoredEvent;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.json.JsonMapper;

/**
 * Build events as Concourse's JSON: the envelope {@code {"event": TYPE, "version": "M.m",
 * "data": {...}}} with {@code data} shaped like the Go structs of Concourse's
 * {@code atc/event/events.go}: the same keys, in the same order, {@code omitempty} where Go has it
 * (origin's {@code id} and {@code source}; {@code time} of {@code initialize}, {@code start} and
 * their get and put forms; {@code metadata} of {@code finish-get} and {@code finish-put}),
 * times as whole Unix seconds, a build-level error's origin as {@code {}}, and empty lists of a
 * task's config as {@code null} (Go's nil slices).
 *
 * <p>Differences from Go's bytes that no JSON reader sees: the envelope's keys come in the order
 * above (Go writes {@code data} first; putting the type first lets the decoder stream), and
 * strings are escaped the JSON way rather than Go's HTML-safe way ({@code <} stays {@code <}).
 * Differences a reader may see: {@code set-pipeline-changed} has a {@code time} (Concourse's has
 * none), and the substeps of {@code across-substeps} are {@code {"step": PLAN, "values": [...]}}
 * with the plan in this engine's {@code BuildPlan} shape ({@code id}, {@code kind}, {@code name},
 * {@code children}) rather than Concourse's public plan.
 *
 * <p>Decoding reads only what {@link #encode} writes (the event types of {@link BuildEvent}, at a
 * version with the same major number) and reports anything else with an
 * {@link EventDecodingException}. Decoded times are whole seconds: an event's time survives the
 * round trip as {@code time.truncatedTo(SECONDS)}, which is why {@link BuildEventLog} truncates
 * times when events are emitted (see {@link #truncateToSeconds}).
 *
 * <p>Hand-written against Jackson's streaming API, no reflection: the encoder runs for every
 * event a build writes. Thread-safe.
 */
public final class EventJson {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private static final SerializableString EVENT = new SerializedString("event");
    private static final SerializableString VERSION = new SerializedString("version");
    private static final SerializableString DATA = new SerializedString("data");
    private static final SerializableString TIME = new SerializedString("time");
    private static final SerializableString ORIGIN = new SerializedString("origin");
    private static final SerializableString ID = new SerializedString("id");
    private static final SerializableString SOURCE = new SerializedString("source");
    private static final SerializableString PAYLOAD = new SerializedString("payload");
    private static final SerializableString STATUS = new SerializedString("status");
    private static final SerializableString MESSAGE = new SerializedString("message");
    private static final SerializableString CONFIG = new SerializedString("config");
    private static final SerializableString EXIT_STATUS = new SerializedString("exit_status");
    private static final SerializableString SUCCEEDED = new SerializedString("succeeded");
    private static final SerializableString SELECTED_WORKER = new SerializedString("selected_worker");
    private static final SerializableString CHANGED = new SerializedString("changed");
    private static final SerializableString SUBSTEPS = new SerializedString("substeps");
    private static final SerializableString METADATA = new SerializedString("metadata");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static volatile LogHead lastLogHead;

    private EventJson() {
    }

    /** The whole event, envelope and data. */
    public static String encode(BuildEvent event) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(event.time(), () -> "a " + event.type() + " event needs a time");
        if (event instanceof BuildEvent.Log log) {
            return encodeLog(log);
        }
        return encodeWithGenerator(event);
    }

    /** Any event through Jackson's generator; {@link #encode} writes log events itself, with the same bytes. */
    static String encodeWithGenerator(BuildEvent event) {
        StringWriter out = new StringWriter(sizeHint(event));
        try (JsonGenerator g = MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeName(EVENT);
            g.writeString(event.type());
            g.writeName(VERSION);
            g.writeString(event.version());
            g.writeName(DATA);
            writeData(g, event);
            g.writeEndObject();
        }
        return out.toString();
    }

    /** The event as a store keeps it. */
    public static StoredEvent toStored(long sequence, BuildEvent event) {
        return new StoredEvent(sequence, event.type(), encode(event));
    }

    /**
     * The event {@link #encode} wrote.
     *
     * @throws EventDecodingException if the JSON is malformed, or not an event of a known type and
     *                                a compatible version
     */
    public static BuildEvent decode(String json) {
        return EventJsonReader.read(json);
    }

    /**
     * The stored event with its build and position.
     *
     * @throws EventDecodingException as {@link #decode(String)}
     */
    public static SequencedEvent decode(long buildId, StoredEvent stored) {
        try {
            return new SequencedEvent(buildId, stored.sequence(), decode(stored.json()));
        } catch (EventDecodingException e) {
            throw new EventDecodingException("build " + buildId + ", event " + stored.sequence() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The event with its time truncated to whole seconds, as it reads back from JSON; the same
     * instance when it already is.
     */
    public static BuildEvent truncateToSeconds(BuildEvent event) {
        Instant time = event.time();
        if (time == null) {
            throw new NullPointerException("a " + event.type() + " event needs a time");
        }
        if (time.getNano() == 0) {
            return event;
        }
        Instant t = time.truncatedTo(ChronoUnit.SECONDS);
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

    // ---- encoding

    /**
     * A log event, the bulk of every build's events, written without Jackson's generator, which
     * costs more to set up per event (context, buffers) than this costs in all. Everything before
     * the payload is the same for a step's lines within a second, so the last such head is kept;
     * a payload with nothing to escape is then one concatenation. The bytes are the generator's (a
     * test compares the two for every character).
     */
    private static String encodeLog(BuildEvent.Log event) {
        String payload = nonNull(event.payload());
        String head = logHead(event);
        if (!needsEscaping(payload)) {
            return head + payload + "\"}}";
        }
        StringBuilder out = new StringBuilder(head.length() + payload.length() + (payload.length() >> 4) + 8);
        out.append(head);
        appendEscaped(out, payload);
        return out.append("\"}}").toString();
    }

    /** Everything of a log event's JSON before its payload's text. */
    private static String logHead(BuildEvent.Log event) {
        long time = event.time().getEpochSecond();
        Origin origin = event.origin();
        LogHead last = lastLogHead;
        if (last != null && last.time == time && (last.origin == origin || Objects.equals(last.origin, origin))) {
            return last.json;
        }
        StringBuilder out = new StringBuilder(128);
        out.append("{\"event\":\"");
        appendEscaped(out, event.type());
        out.append("\",\"version\":\"");
        appendEscaped(out, event.version());
        out.append("\",\"data\":{\"time\":").append(time).append(",\"origin\":{");
        if (origin != null) {
            boolean id = !origin.id().isEmpty();
            if (id) {
                out.append("\"id\":\"");
                appendEscaped(out, origin.id());
                out.append('"');
            }
            if (origin.source() != null) {
                out.append(id ? ",\"source\":\"" : "\"source\":\"").append(origin.source().wireName()).append('"');
            }
        }
        String json = out.append("},\"payload\":\"").toString();
        lastLogHead = new LogHead(origin, time, json);
        return json;
    }

    /** The head of the last log event encoded: immutable, so threads may share it racily. */
    private record LogHead(Origin origin, long time, String json) {
    }

    private static boolean needsEscaping(String s) {
        // Quotes and backslashes through String.indexOf, which the JIT compiles to vector
        // instructions, then one comparison a character for the controls: about half the time of
        // one loop testing all three (a log line's payload is checked once, when it is stored).
        if (s.indexOf('"') >= 0 || s.indexOf('\\') >= 0) {
            return true;
        }
        for (int i = 0, length = s.length(); i < length; i++) {
            if (s.charAt(i) < 0x20) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends {@code s} escaped as Jackson's generator escapes by default: quote, backslash, the
     * short forms {@code \b \t \n \f \r}, other characters below 0x20 as a backslash, {@code u00}
     * and two upper-case hex digits; the rest (non-ASCII, lone surrogates too) as they are.
     */
    private static void appendEscaped(StringBuilder out, String s) {
        int length = s.length();
        int start = 0;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append(s, start, length);
    }

    private static int sizeHint(BuildEvent event) {
        return switch (event) {
            case BuildEvent.Log e -> 112 + len(e.payload()) + (len(e.payload()) >> 4);
            case BuildEvent.Error e -> 112 + len(e.message()) + (len(e.message()) >> 4);
            default -> 256;
        };
    }

    private static void writeData(JsonGenerator g, BuildEvent event) {
        long time = event.time().getEpochSecond();
        g.writeStartObject();
        switch (event) {
            case BuildEvent.Status e -> {
                g.writeName(STATUS);
                g.writeString(e.status().wireName());
                writeTime(g, time);
            }
            case BuildEvent.Log e -> {
                writeTime(g, time);
                writeOrigin(g, e.origin());
                g.writeName(PAYLOAD);
                g.writeString(nonNull(e.payload()));
            }
            case BuildEvent.Error e -> {
                g.writeName(MESSAGE);
                g.writeString(nonNull(e.message()));
                writeOrigin(g, e.origin());
                writeTime(g, time);
            }
            case BuildEvent.InitializeTask e -> {
                writeTime(g, time);
                writeOrigin(g, e.origin());
                writeConfig(g, e.config());
            }
            case BuildEvent.StartTask e -> {
                writeTime(g, time);
                writeOrigin(g, e.origin());
                writeConfig(g, e.config());
            }
            case BuildEvent.FinishTask e -> {
                writeTime(g, time);
                g.writeName(EXIT_STATUS);
                g.writeNumber(e.exitStatus());
                writeOrigin(g, e.origin());
            }
            case BuildEvent.Initialize e -> {
                writeOrigin(g, e.origin());
                writeTimeOmitEmpty(g, time);
            }
            case BuildEvent.Start e -> {
                writeOrigin(g, e.origin());
                writeTimeOmitEmpty(g, time);
            }
            case BuildEvent.Finish e -> {
                writeOrigin(g, e.origin());
                writeTime(g, time);
                g.writeName(SUCCEEDED);
                g.writeBoolean(e.succeeded());
            }
            case BuildEvent.WaitingForWorker e -> {
                writeTime(g, time);
                writeOrigin(g, e.origin());
            }
            case BuildEvent.SelectedWorker e -> {
                writeTime(g, time);
                writeOrigin(g, e.origin());
                g.writeName(SELECTED_WORKER);
                g.writeString(nonNull(e.worker()));
            }
            case BuildEvent.SetPipelineChanged e -> {
                writeOrigin(g, e.origin());
                g.writeName(CHANGED);
                g.writeBoolean(e.changed());
                // Not in Concourse's struct; readers ignore it, and every event here has a time.
                writeTime(g, time);
            }
            case BuildEvent.AcrossSubsteps e -> {
                writeTime(g, time);
                writeOrigin(g, e.origin());
                g.writeName(SUBSTEPS);
                g.writeStartArray();
                for (BuildEvent.AcrossSubsteps.Substep substep : e.substeps()) {
                    g.writeStartObject();
                    g.writeName("step");
                    writePlan(g, substep.step());
                    g.writeName("values");
                    g.writeStartArray();
                    for (Object value : substep.values()) {
                        g.writePOJO(value);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            case BuildEvent.InitializeGet e -> {
                writeOrigin(g, e.origin());
                writeTimeOmitEmpty(g, time);
            }
            case BuildEvent.StartGet e -> {
                writeOrigin(g, e.origin());
                writeTimeOmitEmpty(g, time);
            }
            case BuildEvent.FinishGet e -> writeFinishResource(g, e.origin(), time, e.exitStatus(), e.fetchedVersion(),
                    e.metadata());
            case BuildEvent.InitializePut e -> {
                writeOrigin(g, e.origin());
                writeTimeOmitEmpty(g, time);
            }
            case BuildEvent.StartPut e -> {
                writeOrigin(g, e.origin());
                writeTimeOmitEmpty(g, time);
            }
            case BuildEvent.FinishPut e -> writeFinishResource(g, e.origin(), time, e.exitStatus(), e.createdVersion(),
                    e.metadata());
        }
        g.writeEndObject();
    }

    /**
     * {@code finish-get} and {@code finish-put}: origin, time, exit_status, version (a map with
     * sorted keys, {@code null} when there is none, as Go's nil map), metadata (omitted when empty).
     */
    private static void writeFinishResource(JsonGenerator g, Origin origin, long time, int exitStatus,
            Version version, List<MetadataField> metadata) {
        writeOrigin(g, origin);
        writeTime(g, time);
        g.writeName(EXIT_STATUS);
        g.writeNumber(exitStatus);
        g.writeName(VERSION);
        if (version == null) {
            g.writeNull();
        } else {
            g.writeStartObject();
            for (Map.Entry<String, String> field : new TreeMap<>(version.fields()).entrySet()) {
                g.writeStringProperty(field.getKey(), field.getValue());
            }
            g.writeEndObject();
        }
        if (!metadata.isEmpty()) {
            g.writeName(METADATA);
            g.writeStartArray();
            for (MetadataField field : metadata) {
                g.writeStartObject();
                g.writeStringProperty("name", field.name());
                g.writeStringProperty("value", field.value());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /** A plan as the engine stores it ({@code BuildPlan}): id, kind, name unless null, children unless none. */
    private static void writePlan(JsonGenerator g, BuildPlan plan) {
        g.writeStartObject();
        g.writeStringProperty("id", plan.id());
        g.writeStringProperty("kind", plan.kind());
        if (plan.name() != null) {
            g.writeStringProperty("name", plan.name());
        }
        if (!plan.children().isEmpty()) {
            g.writeName("children");
            g.writeStartArray();
            for (BuildPlan child : plan.children()) {
                writePlan(g, child);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeTime(JsonGenerator g, long time) {
        g.writeName(TIME);
        g.writeNumber(time);
    }

    private static void writeTimeOmitEmpty(JsonGenerator g, long time) {
        if (time != 0) {
            writeTime(g, time);
        }
    }

    /** Go's {@code Origin} struct is not a pointer: no origin is {@code {}}, and both keys are omitempty. */
    private static void writeOrigin(JsonGenerator g, Origin origin) {
        g.writeName(ORIGIN);
        g.writeStartObject();
        if (origin != null) {
            if (!origin.id().isEmpty()) {
                g.writeName(ID);
                g.writeString(origin.id());
            }
            if (origin.source() != null) {
                g.writeName(SOURCE);
                g.writeString(origin.source().wireName());
            }
        }
        g.writeEndObject();
    }

    private static void writeConfig(JsonGenerator g, TaskSummary config) {
        g.writeName(CONFIG);
        if (config == null) {
            config = new TaskSummary("", "", "", List.of(), "", List.of());
        }
        g.writeStartObject();
        g.writeStringProperty("platform", nonNull(config.platform()));
        g.writeStringProperty("image", nonNull(config.image()));
        g.writeName("run");
        g.writeStartObject();
        g.writeStringProperty("path", nonNull(config.path()));
        g.writeName("args");
        if (config.args().isEmpty()) {
            g.writeNull();
        } else {
            g.writeStartArray();
            for (String arg : config.args()) {
                g.writeString(arg);
            }
            g.writeEndArray();
        }
        g.writeStringProperty("dir", nonNull(config.dir()));
        g.writeEndObject();
        g.writeName("inputs");
        if (config.inputs().isEmpty()) {
            g.writeNull();
        } else {
            g.writeStartArray();
            for (TaskSummary.Input input : config.inputs()) {
                g.writeStartObject();
                g.writeStringProperty("name", nonNull(input.name()));
                g.writeStringProperty("path", nonNull(input.path()));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
