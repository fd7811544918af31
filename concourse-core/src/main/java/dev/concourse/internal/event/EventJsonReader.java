package dev.concourse.internal.event;

import dev.concourse.BuildPlan;
import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.TaskSummary;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The decoding half of {@link EventJson}: streams through the envelope, then the data. */
final class EventJsonReader {
    /** Reads the data object out of the middle of an envelope, so what follows it is not "trailing". */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** The event types this reads, for error messages. */
    private static final List<String> TYPES = List.of("status", "log", "error", "initialize-task", "start-task",
            "finish-task", "initialize", "start", "finish", "waiting-for-worker", "selected-worker",
            "set-pipeline-changed", "across-substeps", "initialize-get", "start-get", "finish-get", "initialize-put",
            "start-put", "finish-put");

    private EventJsonReader() {
    }

    static BuildEvent read(String json) {
        Objects.requireNonNull(json, "json");
        try (JsonParser p = MAPPER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new EventDecodingException("cannot decode build event: expected a JSON object, got "
                        + abbreviate(json));
            }
            String type = null;
            String version = null;
            JsonNode laterData = null;
            BuildEvent event = null;
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                switch (name) {
                    case "event" -> type = stringValue(p);
                    case "version" -> version = stringValue(p);
                    case "data" -> {
                        p.nextToken();
                        if (type != null && version != null) {
                            event = readData(type, version, p);
                        } else {
                            // Someone else's key order (Go writes data first): decode once the type is known.
                            laterData = MAPPER.readTree(p);
                        }
                    }
                    default -> {
                        p.nextToken();
                        p.skipChildren();
                    }
                }
            }
            if (event != null) {
                return event;
            }
            if (type == null || version == null || laterData == null) {
                throw new EventDecodingException("cannot decode build event: it needs \"event\", \"version\" and"
                        + " \"data\": " + abbreviate(json));
            }
            try (JsonParser data = MAPPER.treeAsTokens(laterData)) {
                data.nextToken();
                return readData(type, version, data);
            }
        } catch (JacksonException e) {
            throw new EventDecodingException("cannot decode build event: " + e.getOriginalMessage() + ": "
                    + abbreviate(json), e);
        }
    }

    /** Reads {@code data} (the parser is on its START_OBJECT) the way Go's json.Unmarshal would: missing keys are zero values. */
    private static BuildEvent readData(String type, String version, JsonParser p) {
        String ours = versionOf(type);
        if (!sameMajor(ours, version)) {
            throw new EventDecodingException("cannot decode build event: \"" + type + "\" version " + version
                    + " is not compatible with version " + ours + " that this engine writes and reads");
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new EventDecodingException("cannot decode build event: the data of a \"" + type
                    + "\" event must be an object, got " + p.currentToken());
        }
        Data d = new Data();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "time" -> d.time = p.getLongValue();
                case "origin" -> d.origin = readOrigin(p);
                case "payload" -> d.payload = p.getString();
                case "message" -> d.message = p.getString();
                case "status" -> d.status = p.getString();
                case "selected_worker" -> d.worker = p.getString();
                case "exit_status" -> d.exitStatus = p.getIntValue();
                case "succeeded" -> d.succeeded = p.getBooleanValue();
                case "changed" -> d.changed = p.getBooleanValue();
                case "substeps" -> d.substeps = readSubsteps(p);
                case "version" -> d.version = readVersion(p);
                case "metadata" -> d.metadata = readMetadata(p);
                case "config" -> d.config = readConfig(p);
                default -> p.skipChildren();
            }
        }
        Instant time = Instant.ofEpochSecond(d.time);
        return switch (type) {
            case "status" -> new BuildEvent.Status(time, status(d.status));
            case "log" -> new BuildEvent.Log(time, d.origin, d.payload);
            case "error" -> new BuildEvent.Error(time, d.origin, d.message);
            case "initialize-task" -> new BuildEvent.InitializeTask(time, d.origin, d.config());
            case "start-task" -> new BuildEvent.StartTask(time, d.origin, d.config());
            case "finish-task" -> new BuildEvent.FinishTask(time, d.origin, d.exitStatus);
            case "initialize" -> new BuildEvent.Initialize(time, d.origin);
            case "start" -> new BuildEvent.Start(time, d.origin);
            case "finish" -> new BuildEvent.Finish(time, d.origin, d.succeeded);
            case "waiting-for-worker" -> new BuildEvent.WaitingForWorker(time, d.origin);
            case "selected-worker" -> new BuildEvent.SelectedWorker(time, d.origin, d.worker);
            case "set-pipeline-changed" -> new BuildEvent.SetPipelineChanged(time, d.origin, d.changed);
            case "across-substeps" -> new BuildEvent.AcrossSubsteps(time, d.origin, d.substeps);
            case "initialize-get" -> new BuildEvent.InitializeGet(time, d.origin);
            case "start-get" -> new BuildEvent.StartGet(time, d.origin);
            case "finish-get" -> new BuildEvent.FinishGet(time, d.origin, d.exitStatus, d.version, d.metadata);
            case "initialize-put" -> new BuildEvent.InitializePut(time, d.origin);
            case "start-put" -> new BuildEvent.StartPut(time, d.origin);
            case "finish-put" -> new BuildEvent.FinishPut(time, d.origin, d.exitStatus, d.version, d.metadata);
            default -> throw unknownType(type);
        };
    }

    private static String versionOf(String type) {
        return switch (type) {
            case "status", "initialize", "start", "finish", "waiting-for-worker", "selected-worker",
                    "set-pipeline-changed", "across-substeps", "start-get", "start-put" -> "1.0";
            case "initialize-get", "initialize-put" -> "2.0";
            case "finish-get", "finish-put" -> "5.1";
            case "log" -> "5.1";
            case "error" -> "4.1";
            case "initialize-task", "finish-task" -> "4.0";
            case "start-task" -> "5.0";
            default -> throw unknownType(type);
        };
    }

    private static EventDecodingException unknownType(String type) {
        return new EventDecodingException("cannot decode build event: unknown event type \"" + type
                + "\"; this engine reads the events it writes: " + String.join(", ", TYPES));
    }

    /** Concourse's rule ({@code atc.EventVersion.IsCompatibleWith}): the same major version. */
    private static boolean sameMajor(String ours, String theirs) {
        int dot = theirs.indexOf('.');
        String major = dot < 0 ? theirs : theirs.substring(0, dot);
        return !major.isEmpty() && ours.startsWith(major + ".");
    }

    private static BuildStatus status(String wireName) {
        if (wireName == null) {
            throw new EventDecodingException("cannot decode build event: a status event needs a \"status\"");
        }
        for (BuildStatus status : BuildStatus.values()) {
            if (status.wireName().equals(wireName)) {
                return status;
            }
        }
        throw new EventDecodingException("cannot decode build event: unknown build status \"" + wireName + "\"");
    }

    private static Origin readOrigin(JsonParser p) {
        expectObject(p, "origin");
        String id = null;
        Origin.Source source = null;
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "id" -> id = p.getString();
                case "source" -> source = source(p.getString());
                default -> p.skipChildren();
            }
        }
        if ((id == null || id.isEmpty()) && source == null) {
            return null;
        }
        return new Origin(id == null ? "" : id, source);
    }

    private static Origin.Source source(String wireName) {
        if (wireName.isEmpty()) {
            return null;
        }
        for (Origin.Source source : Origin.Source.values()) {
            if (source.wireName().equals(wireName)) {
                return source;
            }
        }
        throw new EventDecodingException("cannot decode build event: unknown origin source \"" + wireName
                + "\" (stdout or stderr)");
    }

    private static TaskSummary readConfig(JsonParser p) {
        expectObject(p, "config");
        String platform = "";
        String image = "";
        String path = "";
        List<String> args = List.of();
        String dir = "";
        List<TaskSummary.Input> inputs = List.of();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "platform" -> platform = p.getString();
                case "image" -> image = p.getString();
                case "inputs" -> inputs = readInputs(p);
                case "run" -> {
                    expectObject(p, "run");
                    for (String run = p.nextName(); run != null; run = p.nextName()) {
                        if (p.nextToken() == JsonToken.VALUE_NULL) {
                            continue;
                        }
                        switch (run) {
                            case "path" -> path = p.getString();
                            case "dir" -> dir = p.getString();
                            case "args" -> args = readStrings(p);
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new TaskSummary(platform, image, path, args, dir, inputs);
    }

    private static List<BuildEvent.AcrossSubsteps.Substep> readSubsteps(JsonParser p) {
        expectArray(p, "substeps");
        List<BuildEvent.AcrossSubsteps.Substep> substeps = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expectObject(p, "substep");
            BuildPlan step = null;
            List<Object> values = List.of();
            for (String name = p.nextName(); name != null; name = p.nextName()) {
                if (p.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (name) {
                    case "step" -> step = readPlan(p);
                    case "values" -> {
                        expectArray(p, "values");
                        List<Object> read = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            read.add(MAPPER.readValue(p, Object.class));
                        }
                        values = read;
                    }
                    default -> p.skipChildren();
                }
            }
            if (step == null) {
                throw new EventDecodingException("cannot decode build event: an across substep needs a \"step\"");
            }
            substeps.add(new BuildEvent.AcrossSubsteps.Substep(step, values));
        }
        return substeps;
    }

    /** A resource version: an object of strings ({@code atc.Version}); a null field is an empty string, as in Go. */
    private static Version readVersion(JsonParser p) {
        expectObject(p, "version");
        Map<String, String> fields = new LinkedHashMap<>();
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_NULL) {
                fields.put(name, "");
            } else if (token == JsonToken.VALUE_STRING) {
                fields.put(name, p.getString());
            } else {
                throw new EventDecodingException("cannot decode build event: version field \"" + name
                        + "\" must be a string, got " + token);
            }
        }
        return new Version(fields);
    }

    /** Resource metadata: {@code [{"name": ..., "value": ...}]}. */
    private static List<MetadataField> readMetadata(JsonParser p) {
        expectArray(p, "metadata");
        List<MetadataField> metadata = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expectObject(p, "metadata field");
            String name = "";
            String value = "";
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                if (p.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (key) {
                    case "name" -> name = p.getString();
                    case "value" -> value = p.getString();
                    default -> p.skipChildren();
                }
            }
            metadata.add(new MetadataField(name, value));
        }
        return metadata;
    }

    private static BuildPlan readPlan(JsonParser p) {
        expectObject(p, "plan");
        String id = "";
        String kind = "";
        String name = null;
        List<BuildPlan> children = new ArrayList<>();
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (key) {
                case "id" -> id = p.getString();
                case "kind" -> kind = p.getString();
                case "name" -> name = p.getString();
                case "children" -> {
                    expectArray(p, "children");
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        children.add(readPlan(p));
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new BuildPlan(id, kind, name, children);
    }

    private static List<String> readStrings(JsonParser p) {
        expectArray(p, "args");
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            values.add(p.getString());
        }
        return values;
    }

    private static List<TaskSummary.Input> readInputs(JsonParser p) {
        expectArray(p, "inputs");
        List<TaskSummary.Input> inputs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            expectObject(p, "input");
            String name = "";
            String path = "";
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                if (p.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (key) {
                    case "name" -> name = p.getString();
                    case "path" -> path = p.getString();
                    default -> p.skipChildren();
                }
            }
            inputs.add(new TaskSummary.Input(name, path));
        }
        return inputs;
    }

    private static String stringValue(JsonParser p) {
        JsonToken token = p.nextToken();
        if (token != JsonToken.VALUE_STRING) {
            throw new EventDecodingException("cannot decode build event: \"" + p.currentName()
                    + "\" must be a string, got " + token);
        }
        return p.getString();
    }

    private static void expectObject(JsonParser p, String what) {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new EventDecodingException("cannot decode build event: " + what + " must be an object, got "
                    + p.currentToken());
        }
    }

    private static void expectArray(JsonParser p, String what) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new EventDecodingException("cannot decode build event: " + what + " must be an array, got "
                    + p.currentToken());
        }
    }

    private static String abbreviate(String json) {
        return json.length() <= 200 ? json : json.substring(0, 200) + "...";
    }

    /** The keys of any event's data, Go's zero values where absent. */
    private static final class Data {
        long time;
        Origin origin;
        String payload = "";
        String message = "";
        String status;
        String worker = "";
        int exitStatus;
        boolean succeeded;
        boolean changed;
        List<BuildEvent.AcrossSubsteps.Substep> substeps = List.of();
        Version version;
        List<MetadataField> metadata = List.of();
        TaskSummary config;

        TaskSummary config() {
            return config != null ? config : new TaskSummary("", "", "", List.of(), "", List.of());
        }
    }
}
