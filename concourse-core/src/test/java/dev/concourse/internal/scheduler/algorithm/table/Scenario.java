package dev.concourse.internal.scheduler.algorithm.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One row of the input-resolution table, read from a YAML file under {@code algorithm-table/}.
 * The shape follows Concourse's table harness: rows of a versions database (resource versions,
 * build outputs, build inputs, build pipes), the current job's inputs, and what resolving them
 * must give. The current job is always named {@code current}; versions are {@code {ver: <name>}}.
 */
record Scenario(String file, String name, int iterations, List<Row> versions, List<Row> buildOutputs,
        List<Row> buildInputs, List<Pipe> buildPipes, List<Input> inputs, Expectation expect) {

    static final String CURRENT_JOB = "current";

    /**
     * A database row. Build rows name the job and build; version rows only the resource. A build's
     * status defaults to succeeded. {@code noScope}: the resource has no version history at all;
     * {@code notInScope}: a build used the version but the resource's current history lacks it.
     */
    record Row(String job, long build, String resource, String version, long checkOrder, boolean disabled,
            long rerunOf, String status, boolean noScope, boolean notInScope) {}

    /** Build {@code from} passed versions on to build {@code to}. */
    record Pipe(long from, long to) {}

    /** An input of the current job; neither {@code every} nor {@code pinned} means latest. */
    record Input(String name, String resource, List<String> passed, boolean every, String pinned,
            boolean noScope) {}

    /** {@code hasNext} is null when the scenario does not care. */
    record Expectation(boolean ok, Map<String, String> values, Map<String, Set<Long>> passedBuilds,
            Map<String, String> errors, Boolean hasNext) {}

    @Override
    public String toString() {
        return file + ": " + name;
    }

    static Scenario load(Path path) {
        Map<String, Object> doc;
        try {
            doc = map(new Load(LoadSettings.builder().setLabel(path.toString()).build())
                    .loadFromString(Files.readString(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        known(path, doc, "name", "iterations", "versions", "build-outputs", "build-inputs", "build-pipes", "inputs",
                "expect");
        Map<String, Object> expect = map(doc.get("expect"));
        known(path, expect, "ok", "values", "passed-builds", "errors", "has-next");
        for (String table : List.of("versions", "build-outputs", "build-inputs")) {
            list(doc.get(table)).forEach(r -> known(path, map(r), "job", "build", "resource", "version", "check",
                    "disabled", "rerun-of", "status", "no-scope", "not-in-scope"));
        }
        list(doc.get("build-pipes")).forEach(r -> known(path, map(r), "from", "to"));
        list(doc.get("inputs")).forEach(
                r -> known(path, map(r), "name", "resource", "passed", "every", "latest", "pinned", "no-scope"));
        Map<String, Set<Long>> passedBuilds = new LinkedHashMap<>();
        map(expect.get("passed-builds")).forEach((input, ids) -> {
            Set<Long> set = new TreeSet<>();
            list(ids).forEach(id -> set.add(number(id)));
            passedBuilds.put(input, set);
        });
        return new Scenario(path.getFileName().toString(), (String) doc.get("name"),
                (int) number(doc.getOrDefault("iterations", 1)),
                rows(doc.get("versions")), rows(doc.get("build-outputs")), rows(doc.get("build-inputs")),
                list(doc.get("build-pipes")).stream().map(Scenario::map)
                        .map(p -> new Pipe(number(p.get("from")), number(p.get("to")))).toList(),
                list(doc.get("inputs")).stream().map(Scenario::map).map(i -> new Input(
                        (String) i.get("name"), (String) i.get("resource"),
                        list(i.get("passed")).stream().map(String.class::cast).toList(),
                        flag(i, "every"), (String) i.get("pinned"), flag(i, "no-scope"))).toList(),
                new Expectation(flag(expect, "ok"), strings(expect.get("values")), passedBuilds,
                        strings(expect.get("errors")), (Boolean) expect.get("has-next")));
    }

    private static List<Row> rows(Object raw) {
        List<Row> rows = new ArrayList<>();
        for (Object item : list(raw)) {
            Map<String, Object> r = map(item);
            rows.add(new Row((String) r.get("job"), number(r.getOrDefault("build", 0)), (String) r.get("resource"),
                    (String) r.get("version"), number(r.getOrDefault("check", 0)), flag(r, "disabled"),
                    number(r.getOrDefault("rerun-of", 0)), (String) r.getOrDefault("status", "succeeded"),
                    flag(r, "no-scope"), flag(r, "not-in-scope")));
        }
        return rows;
    }

    /** A misspelt key would silently weaken a scenario, so every key must be one the table knows. */
    private static void known(Path path, Map<String, Object> map, String... keys) {
        Set<String> unknown = new TreeSet<>(map.keySet());
        List.of(keys).forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(path + ": unknown keys " + unknown);
        }
    }

    private static boolean flag(Map<String, Object> map, String key) {
        return Boolean.TRUE.equals(map.get(key));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static Map<String, String> strings(Object raw) {
        Map<String, String> strings = new LinkedHashMap<>();
        map(raw).forEach((k, v) -> strings.put(k, (String) v));
        return strings;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object raw) {
        return raw == null ? Map.of() : (Map<String, Object>) raw;
    }

    private static List<Object> list(Object raw) {
        return raw == null ? List.of() : ((List<?>) raw).stream().map(Object.class::cast).toList();
    }
}
