package dev.concourse.testkit.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One scenario of Concourse's input-resolution table (the YAML files of core's
 * {@code src/test/resources/algorithm-table}, packaged in this jar): the rows of a versions
 * database, the inputs of the job {@code current}, and what resolving them must give. Versions are
 * {@code {ver: <name>}}.
 */
record AlgorithmScenario(String file, String name, List<Row> versions, List<Row> buildOutputs,
        List<Row> buildInputs, List<Pipe> buildPipes, List<Input> inputs, Expectation expect) {

    static final String CURRENT_JOB = "current";
    private static final String DIRECTORY = "algorithm-table";

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

    /** What resolving must give: the inputs' version names, or their errors. */
    record Expectation(boolean ok, Map<String, String> values, Map<String, String> errors) {}

    @Override
    public String toString() {
        return file + ": " + name;
    }

    /** The scenario files' names, sorted, read from the classpath (a directory or this jar). */
    static List<String> files() {
        URL url = AlgorithmScenario.class.getResource(DIRECTORY);
        if (url == null) {
            throw new IllegalStateException("the algorithm table is missing from the test kit's classpath ("
                    + AlgorithmScenario.class.getPackageName().replace('.', '/') + "/" + DIRECTORY + ")");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                return list(jar.provider().getPath(uri));
            }
            return list(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the algorithm table at " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list the algorithm table at " + url, e);
        }
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml"))
                    .sorted().toList();
            if (names.isEmpty()) {
                throw new IllegalStateException("the algorithm table at " + directory + " has no scenarios");
            }
            return names;
        }
    }

    static AlgorithmScenario load(String file) {
        String text;
        try (InputStream in = Objects.requireNonNull(
                AlgorithmScenario.class.getResourceAsStream(DIRECTORY + "/" + file), file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario " + file, e);
        }
        Map<String, Object> doc = map(new Load(LoadSettings.builder().setLabel(file).build()).loadFromString(text));
        Map<String, Object> expect = map(doc.get("expect"));
        return new AlgorithmScenario(file, (String) doc.get("name"),
                rows(doc.get("versions")), rows(doc.get("build-outputs")), rows(doc.get("build-inputs")),
                list(doc.get("build-pipes")).stream().map(AlgorithmScenario::map)
                        .map(p -> new Pipe(number(p.get("from")), number(p.get("to")))).toList(),
                list(doc.get("inputs")).stream().map(AlgorithmScenario::map).map(i -> new Input(
                        (String) i.get("name"), (String) i.get("resource"),
                        list(i.get("passed")).stream().map(String.class::cast).toList(),
                        flag(i, "every"), (String) i.get("pinned"), flag(i, "no-scope"))).toList(),
                new Expectation(flag(expect, "ok"), strings(expect.get("values")), strings(expect.get("errors"))));
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
