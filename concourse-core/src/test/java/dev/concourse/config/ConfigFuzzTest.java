package dev.concourse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.concourse.internal.config.ModelWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deterministic mutation fuzzer over the pipeline corpus, and hand-made hostile inputs. Whatever
 * the text, loading returns a result (never throws), with a model or at least one error, and every
 * finding points into the named source. Each failure message carries the seed that reproduces it.
 */
class ConfigFuzzTest {
    /** Mutated inputs in all, spread evenly over the corpus files. */
    private static final int TOTAL_INPUTS = 24_000;
    private static final int MINIMUM_INPUTS = 20_000;
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(90);

    private static final String[] KEYS = {
        "get", "put", "task", "run", "do", "try", "in_parallel", "across", "attempts", "timeout", "on_success",
        "on_failure", "on_error", "on_abort", "ensure", "set_pipeline", "load_var", "plan", "jobs", "name", "type",
        "source", "passed", "trigger", "params", "config", "file", "image", "version", "inputs", "outputs", "steps",
        "limit", "fail_fast", "max_in_flight", "values", "var", "platform", "caches", "container_limits", "memory",
        "cpu", "serial", "serial_groups", "tags", "build_log_retention", "build_logs_to_retain", "groups",
        "resources", "resource_types", "var_sources", "prototypes", "display", "user_data", "<<", "public",
        "old_name", "check_every", "webhook_token", "image_resource", "rootfs_uri", "run", "path", "args", "ttl",
        "optional", "input_mapping", "output_mapping", "no_get", "get_params", "instance_vars", "var_files",
        "format", "reveal", "hermetic", "privileged", "defaults", "background_image", "ouputs", "triger", "",
    };
    private static final String[] VALUES = {
        "x", "\"\"", "''", "~", "null", "true", "no", "yes", "0", "-1", "3", "1e400", "0x", "0o9", ".nan", ".inf",
        "-.inf", "99999999999999999999999", "[]", "{}", "[a, b]", "{a: b}", "*a", "&a v", "&a [1, 2]", "*undefined",
        "((x))", "((a:b.c))", "((", "!!binary aGVsbG8=", "!!int abc", "!!float x", "!!str 12", "!!null x",
        "!custom v", "|", ">-", "'unterminated", "\"unterminated", "? complex", "- item", "all", "every",
        "latest", "detect", "1h", "never", "-5s", "1GB", "12XB", "@reserved", "`reserved", "%", "<<", "2024-01-01",
        "\t", "é", "测试", "🚀", "\u202E", "\u0000", "\uFEFF", "\uD800",
    };
    private static final String[] TOKENS = {
        "&a ", "*a", "<<: *a", "((x))", "!!binary ", "\t", "\u0000", "é", "𝄞", "\uFFFF", "\uD83D", "\u0085",
        "\u2028", "!!str ", "!!int ", "!!map ", "!!seq ", "!local ", "? ", "--- ", "...", "%YAML 1.1\n", "#", ": ",
        "- ", "[", "]", "{", "}", ",", "\"", "'", "|", ">", "\n", "\r", "\\", "&", "*", "!", "@", "`", "%",
    };

    record Seed(String name, String text, boolean json) {
    }

    static List<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        for (String dir : List.of("valid", "invalid")) {
            for (Path p : ValidPipelineCorpusTest.files(ValidPipelineCorpusTest.corpusDir(dir))) {
                String name = dir + "/" + p.getFileName();
                seeds.add(new Seed(name, ValidPipelineCorpusTest.read(p), name.endsWith(".json")));
            }
        }
        return seeds;
    }

    private static int roundsPerFile(int seeds) {
        return (TOTAL_INPUTS + seeds - 1) / seeds;
    }

    @Test
    void fuzzesAtLeastTwentyThousandInputs() {
        int seeds = seeds().size();
        assertThat(seeds).isGreaterThanOrEqualTo(50);
        assertThat((long) seeds * roundsPerFile(seeds)).isGreaterThanOrEqualTo(MINIMUM_INPUTS);
    }

    @TestFactory
    Stream<DynamicTest> mutatedCorpus() {
        List<Seed> seeds = seeds();
        int rounds = roundsPerFile(seeds.size());
        return seeds.stream().map(seed -> DynamicTest.dynamicTest(seed.name() + " x" + rounds, () ->
                assertTimeoutPreemptively(BATCH_TIMEOUT, () -> fuzz(seed, rounds))));
    }

    private static void fuzz(Seed seed, int rounds) {
        long base = seed.name().hashCode() * 1_000_003L;
        for (int round = 0; round < rounds; round++) {
            long s = base + round;
            Random random = new Random(s);
            String text = seed.text();
            int mutations = 1 + random.nextInt(3);
            for (int i = 0; i < mutations; i++) {
                text = mutate(text, random);
            }
            // Now and then read a mutant with the other reader, to fuzz each with the other's syntax.
            boolean json = random.nextInt(20) == 0 ? !seed.json() : seed.json();
            check("fuzz-" + seed.name(), text, json, "seed " + s + " of " + seed.name());
        }
    }

    /** The invariants every load must keep, whatever the text. */
    static LoadResult<PipelineConfig> check(String name, String text, boolean json, String reproduce) {
        LoadResult<PipelineConfig> result = null;
        try {
            result = json ? PipelineLoader.create().loadJson(name, text) : PipelineLoader.create().load(name, text);
        } catch (Throwable t) {
            fail("loading threw " + t + " (" + reproduce + ") for:\n" + excerpt(text), t);
        }
        assertThat(result).as(reproduce).isNotNull();
        assertThat(result.source()).isEqualTo(name);
        if (result.config().isEmpty()) {
            assertThat(result.errors()).as("a result without a model needs an error (%s):%n%s", reproduce,
                    excerpt(text)).isNotEmpty();
        }
        for (ConfigFinding f : result.findings()) {
            assertThat(f.location()).as(reproduce).isNotNull();
            assertThat(f.location().file()).as("file of %s (%s)", f, reproduce).isEqualTo(name);
            assertThat(f.location().line()).as(reproduce).isGreaterThanOrEqualTo(0);
            assertThat(f.location().column()).as(reproduce).isGreaterThanOrEqualTo(0);
            assertThat(f.message()).as(reproduce).isNotBlank();
        }
        // JSON has no infinities or NaN (.inf, .nan in opaque values; Concourse cannot save those
        // either), so only other valid mutants must survive a JSON round trip.
        if (result.isValid() && !hasNonFiniteNumber(ModelWriter.pipeline(result.orThrow()))) {
            PipelineConfig config = result.orThrow();
            PipelineConfig back;
            try {
                back = ConfigJson.pipelineFromJson(ConfigJson.toJson(config));
            } catch (Throwable t) {
                fail("a valid mutant did not survive JSON (" + reproduce + "):\n" + excerpt(text), t);
                return result;
            }
            assertThat(back).as("JSON round trip of a valid mutant (%s):%n%s", reproduce, excerpt(text))
                    .isEqualTo(config);
        }
        return result;
    }

    private static boolean hasNonFiniteNumber(Object plain) {
        return switch (plain) {
            case Double d -> d.isInfinite() || d.isNaN();
            case java.util.Map<?, ?> m -> m.values().stream().anyMatch(ConfigFuzzTest::hasNonFiniteNumber);
            case java.util.List<?> l -> l.stream().anyMatch(ConfigFuzzTest::hasNonFiniteNumber);
            case null, default -> false;
        };
    }

    private static String excerpt(String text) {
        String shown = text.length() > 3000 ? text.substring(0, 3000) + "\n[... " + text.length() + " chars]" : text;
        return shown.replace("\u0000", "\\0");
    }

    // ---- mutations ----

    static String mutate(String text, Random r) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int n = lines.size();
        int at = r.nextInt(n);
        switch (r.nextInt(17)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, lines.get(at));
            case 2 -> {
                int other = r.nextInt(n);
                String tmp = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, tmp);
            }
            case 3 -> lines.set(at, reindent(lines.get(at), r));
            case 4 -> {
                StringBuilder chars = new StringBuilder();
                for (int i = 1 + r.nextInt(5); i > 0; i--) {
                    chars.append(r.nextBoolean() ? TOKENS[r.nextInt(TOKENS.length)]
                            : String.valueOf((char) (32 + r.nextInt(95))));
                }
                return insertAt(text, r.nextInt(text.length() + 1), chars.toString());
            }
            case 5 -> lines.add(at, indentOf(lines.get(at)) + pick(KEYS, r) + ": " + pick(VALUES, r));
            case 6 -> {
                return insertAt(text, r.nextInt(text.length() + 1), pick(TOKENS, r));
            }
            case 7 -> {
                return text.substring(0, r.nextInt(text.length() + 1));
            }
            case 8 -> lines.set(at, nest(lines.get(at), r));
            case 9 -> lines.set(at, replaceValue(lines.get(at), v -> "[" + v + "]"));
            case 10 -> lines.set(at, replaceValue(lines.get(at), v -> "{" + v + ": " + v + "}"));
            case 11 -> lines.set(at, replaceValue(lines.get(at), v -> pick(VALUES, r)));
            case 12 -> lines.set(at, replaceKey(lines.get(at), pick(KEYS, r)));
            case 13 -> {
                int from = r.nextInt(n);
                int to = Math.min(n, from + 1 + r.nextInt(8));
                List<String> block = new ArrayList<>(lines.subList(from, to));
                lines.addAll(r.nextInt(lines.size() + 1), block);
            }
            case 14 -> {
                lines.set(at, replaceValue(lines.get(at), v -> "&a " + v));
                int use = r.nextInt(n);
                lines.set(use, replaceValue(lines.get(use), v -> "*a"));
            }
            case 15 -> lines.add(at, indentOf(lines.get(at)) + "<<: " + (r.nextBoolean() ? "*a" : "[*a, *b]"));
            default -> {
                StringBuilder garbage = new StringBuilder();
                for (int i = 1 + r.nextInt(10); i > 0; i--) {
                    garbage.append((char) r.nextInt(0x10000));
                }
                return insertAt(text, r.nextInt(text.length() + 1), garbage.toString());
            }
        }
        return String.join("\n", lines);
    }

    private static String pick(String[] options, Random r) {
        return options[r.nextInt(options.length)];
    }

    private static String insertAt(String text, int at, String insert) {
        return text.substring(0, at) + insert + text.substring(at);
    }

    private static String indentOf(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '-')) {
            i++;
        }
        return " ".repeat(i);
    }

    private static String reindent(String line, Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> " ".repeat(1 + r.nextInt(4)) + line;
            case 1 -> line.stripLeading();
            case 2 -> "\t" + line;
            default -> line.startsWith(" ") ? line.substring(1) : line;
        };
    }

    private static String nest(String line, Random r) {
        int depth = 1 + r.nextInt(r.nextBoolean() ? 20 : 300);
        boolean list = r.nextBoolean();
        return replaceValue(line, v -> (list ? "[" : "{a: ").repeat(depth) + v + (list ? "]" : "}").repeat(depth));
    }

    private static String replaceValue(String line, java.util.function.UnaryOperator<String> f) {
        int colon = line.indexOf(": ");
        if (colon < 0) {
            return line + " " + f.apply("x");
        }
        String value = line.substring(colon + 2);
        return line.substring(0, colon + 2) + f.apply(value.isBlank() ? "x" : value);
    }

    private static String replaceKey(String line, String key) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            return line;
        }
        String indent = indentOf(line);
        return indent + key + line.substring(colon);
    }

    // ---- transformations that must not change anything ----

    @TestFactory
    Stream<DynamicTest> harmlessChangesGiveTheSameModel() {
        return ValidPipelineCorpusTest.corpusFiles().stream()
                .filter(p -> p.toString().endsWith(".yml"))
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                    String text = ValidPipelineCorpusTest.read(p);
                    PipelineConfig expected = PipelineLoader.create().load("x.yml", text).orThrow();
                    List<String> variants = new ArrayList<>(List.of(
                            text.replace("\n", "\r\n"),
                            "\uFEFF" + text,
                            text + "\n\n# trailing comment\n"));
                    if (!text.startsWith("%") && !text.lines().anyMatch(l -> l.startsWith("---"))) {
                        variants.add("---\n" + text);
                    }
                    for (String variant : variants) {
                        LoadResult<PipelineConfig> result = PipelineLoader.create().load("x.yml", variant);
                        assertThat(result.errors()).isEmpty();
                        assertThat(result.orThrow()).isEqualTo(expected);
                    }
                }));
    }

    // ---- hostile inputs ----

    private static LoadResult<PipelineConfig> hostile(String text) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> check("hostile.yml", text, false, "hostile"));
    }

    private static void assertRejected(LoadResult<PipelineConfig> result, String messagePart) {
        assertThat(result.isValid()).isFalse();
        assertThat(result.errors()).anySatisfy(e -> assertThat(e.message()).contains(messagePart));
    }

    @Test
    void billionLaughsIsRejectedQuickly() {
        StringBuilder yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char prev = (char) (c - 1);
            String alias = "*" + prev;
            yaml.append(c).append(": &").append(c).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, alias))).append("]\n");
        }
        yaml.append("jobs: [{name: j, plan: [{task: t, file: x/t.yml, vars: {v: *j}}]}]\n");

        LoadResult<PipelineConfig> result = hostile(yaml.toString());

        assertRejected(result, "aliases");
        assertThat(result.config()).isEmpty();
        assertThat(result.errors().get(0).location().line()).isBetween(1, 11);
    }

    @Test
    void billionLaughsWithMappingsAndMergeKeysIsRejected() {
        StringBuilder yaml = new StringBuilder("a: &a {k0: lol, k1: lol, k2: lol, k3: lol, k4: lol, k5: lol}\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char prev = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" {<<: *").append(prev);
            for (int i = 0; i < 8; i++) {
                yaml.append(", x").append(i).append(": *").append(prev);
            }
            yaml.append("}\n");
        }
        assertRejected(hostile(yaml.toString()), "aliases");
    }

    @Test
    void aliasAmplificationBelowTheLimitIsStillQuick() {
        // 300 steps aliased 300 times: 90,000 steps, below the expansion limit, must bind and validate quickly.
        StringBuilder yaml = new StringBuilder("resources: [{name: r, type: mock}]\njobs:\n- name: base\n  plan:\n"
                + "  - get: r\n  - do: &steps\n");
        for (int i = 0; i < 300; i++) {
            yaml.append("    - task: t").append(i).append("\n      file: r/t.yml\n");
        }
        for (int j = 0; j < 300; j++) {
            yaml.append("- name: copy-").append(j).append("\n  plan: [{do: *steps}]\n");
        }
        LoadResult<PipelineConfig> result = hostile(yaml.toString());
        assertThat(result.errors()).isEmpty();
        assertThat(result.orThrow().jobs()).hasSize(301);
    }

    @Test
    void deepFlowNestingIsRejectedWithoutStackOverflow() {
        int depth = 100_000;
        assertRejected(hostile("[".repeat(depth) + "]".repeat(depth)), "nested more than");
        assertRejected(hostile("{a: ".repeat(depth) + "1" + "}".repeat(depth)), "nested more than");
        assertRejected(hostile("jobs: " + "[".repeat(depth)), "nested");
    }

    @Test
    void deepJsonNestingIsRejectedWithoutStackOverflow() {
        int depth = 100_000;
        LoadResult<PipelineConfig> arrays = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> check("hostile.json", "[".repeat(depth) + "]".repeat(depth), true, "json arrays"));
        assertRejected(arrays, "nested");
        LoadResult<PipelineConfig> objects = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> check("hostile.json", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth), true, "json objects"));
        assertRejected(objects, "nested");
    }

    @Test
    void deepBlockNestingIsRejected() {
        assertRejected(hostile("- ".repeat(1_000) + "x\n"), "nested more than");
        StringBuilder maps = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            maps.append(" ".repeat(i)).append("a:\n");
        }
        assertRejected(hostile(maps.toString()), "nested more than");
    }

    @Test
    void deeplyNestedStepsWithinTheLimitsBind() {
        // 35 nested try steps (about 110 levels of YAML nesting): deep but legal.
        int depth = 35;
        StringBuilder yaml = new StringBuilder("jobs:\n- name: j\n  plan:\n");
        String indent = "  ";
        for (int i = 0; i < depth; i++) {
            yaml.append(indent).append("- try:\n");
            indent += "    ";
            yaml.append(indent).append("do:\n");
        }
        yaml.append(indent).append("- task: t\n").append(indent).append("  file: x/t.yml\n");
        LoadResult<PipelineConfig> result = hostile(yaml.toString());
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void fortyMegabyteDocumentIsRejectedForItsSize() {
        String big = "jobs: []\nuser_data: \"" + "x".repeat(40 * 1024 * 1024) + "\"\n";
        assertRejected(hostile(big), "larger than");
        LoadResult<PipelineConfig> json = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> check("hostile.json", "{\"user_data\": \"" + "x".repeat(40 * 1024 * 1024) + "\"}", true, "json"));
        assertRejected(json, "larger than");
    }

    @Test
    void longScalarsJustBelowTheSizeLimitLoadQuickly() {
        // SnakeYAML's default 1 KiB read buffer made reading a scalar quadratic in its length
        // (13 s for 5 MB, minutes for 30 MB); every form of scalar must now load in linear time.
        String job = "jobs: [{name: j, plan: [{task: t, file: x/t.yml}]}]\nuser_data: ";
        String value = "y".repeat(30_000_000);
        for (String text : List.of(job + value + "\n", job + "\"" + value + "\"\n", job + "|\n  " + value + "\n")) {
            LoadResult<PipelineConfig> result = hostile(text);
            assertThat(result.errors()).isEmpty();
            assertThat((String) result.orThrow().userData()).startsWith("yyy").hasSizeGreaterThanOrEqualTo(30_000_000);
        }
    }

    @Test
    void nonMappingRootsAreRejected() {
        for (String root : List.of("- get: x\n- put: y\n", "just a string", "42", "true", "[1, 2]", "!!binary aGk=")) {
            LoadResult<PipelineConfig> result = hostile(root);
            assertThat(result.isValid()).as(root).isFalse();
            assertThat(result.errors()).as(root).isNotEmpty();
        }
        assertRejected(hostile("- a\n- b\n"), "mapping");
    }

    @Test
    void emptyAndCommentOnlyFilesAreNotValidPipelines() {
        for (String text : List.of("", "\n\n", "# only a comment\n# and another\n", "---\n", "---\n...\n", "~\n")) {
            LoadResult<PipelineConfig> result = hostile(text);
            assertThat(result.isValid()).as("'%s'", text).isFalse();
            assertThat(result.errors()).as("'%s'", text).isNotEmpty();
        }
    }

    @Test
    void binaryGarbageIsRejected() {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[1 + random.nextInt(4096)];
            random.nextBytes(bytes);
            check("garbage.yml", new String(bytes, StandardCharsets.ISO_8859_1), false, "garbage latin1 " + i);
            check("garbage.yml", new String(bytes, StandardCharsets.UTF_8), false, "garbage utf8 " + i);
            check("garbage.yml", new String(bytes, StandardCharsets.UTF_8), true, "garbage json " + i);
        }
    }

    @Test
    void invalidUtf8FileIsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pipeline.yml");
        byte[] valid = "jobs:\n- name: j\n  plan: []\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(valid, valid.length + 3);
        bytes[valid.length] = (byte) 0xC3;
        bytes[valid.length + 1] = (byte) 0x28;
        bytes[valid.length + 2] = (byte) 0xFF;
        Files.write(file, bytes);

        LoadResult<PipelineConfig> result = PipelineLoader.create().load(file);

        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).contains("UTF-8");
            assertThat(e.location().file()).isEqualTo(file.toString());
        });
    }

    @Test
    void missingFileAndDirectoryAreReported(@TempDir Path dir) {
        LoadResult<PipelineConfig> missing = PipelineLoader.create().load(dir.resolve("nope.yml"));
        assertThat(missing.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("not found"));
        LoadResult<PipelineConfig> directory = PipelineLoader.create().load(dir);
        assertThat(directory.config()).isEmpty();
        assertThat(directory.errors()).hasSize(1);
    }

    @Test
    void hugeNumberOfKeysIsHandled() {
        StringBuilder yaml = new StringBuilder("jobs: [{name: j, plan: [{task: t, file: x/t.yml}]}]\nuser_data:\n");
        for (int i = 0; i < 200_000; i++) {
            yaml.append("  key-").append(i).append(": value-").append(i).append('\n');
        }
        LoadResult<PipelineConfig> result = hostile(yaml.toString());
        assertThat(result.errors()).isEmpty();
        assertThat((java.util.Map<?, ?>) result.orThrow().userData()).hasSize(200_000);
    }

    @Test
    void hugeNumberOfUnknownStepKeysIsReportedQuickly() {
        StringBuilder yaml = new StringBuilder("jobs:\n- name: j\n  plan:\n  - task: t\n    file: x/t.yml\n");
        for (int i = 0; i < 50_000; i++) {
            yaml.append("    unknown_").append(i).append(": v\n");
        }
        LoadResult<PipelineConfig> result = hostile(yaml.toString());
        assertThat(result.errors()).hasSize(50_000).allSatisfy(e -> assertThat(e.type()).isEqualTo("unknown_field"));
    }

    @Test
    void manyDocumentsWarnOnce() {
        String yaml = "jobs: [{name: j, plan: [{task: t, file: x/t.yml}]}]\n" + "---\nfoo: bar\n".repeat(10_000);
        LoadResult<PipelineConfig> result = hostile(yaml);
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).singleElement()
                .satisfies(w -> assertThat(w.type()).isEqualTo("multiple_documents"));
    }

    @Test
    void oddButHarmlessSyntax() {
        assertRejected(hostile("jobs:\n\t- name: j\n"), "");
        assertRejected(hostile("? [a, b]\n: c\n"), "keys");
        assertRejected(hostile("a: *nowhere\n"), "unknown anchor");
        assertRejected(hostile("a: &x [*x]\n"), "unknown anchor");
        assertRejected(hostile("a: {<<: 1}\n"), "merge");
        hostile("jobs: [{name: j, plan: [{task: t, file: x/t.yml}]}]\nuser_data: \"\\uD800\"\n");
        hostile("%TAG ! tag:example.com,2000:\n---\njobs: !foo [{name: j, plan: []}]\n");
    }
}
