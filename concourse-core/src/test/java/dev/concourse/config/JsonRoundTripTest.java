package dev.concourse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * YAML, model and JSON convert into each other without loss: every corpus pipeline read from
 * YAML, written as JSON and read back is the same model, and writing it again gives the same JSON.
 */
class JsonRoundTripTest {

    static Stream<String> corpus() {
        return ValidPipelineCorpusTest.corpus();
    }

    private static PipelineConfig load(String name) {
        Path file = ValidPipelineCorpusTest.corpusDir("valid").resolve(name);
        return ValidPipelineCorpusTest.load(file).orThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void pipelineSurvivesJson(String name) {
        PipelineConfig config = load(name);

        String json = ConfigJson.toJson(config);
        PipelineConfig back = ConfigJson.pipelineFromJson(json);

        assertThat(back).as("model after a JSON round trip of %s", name).isEqualTo(config);
        assertThat(ConfigJson.toJson(back)).as("JSON is stable").isEqualTo(json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void jsonIsReadableAsYaml(String name) {
        // JSON is YAML 1.2, so the YAML reader must give the same model as the JSON reader.
        PipelineConfig config = load(name);
        String json = ConfigJson.toJson(config);

        PipelineConfig viaYaml = PipelineLoader.create().load(name + ".as-yaml", json).orThrow();

        assertThat(viaYaml).isEqualTo(config);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyStepSurvivesJson(String name) {
        // A step written on its own reads back as the same step inside a one-step job.
        for (JobConfig job : load(name).jobs()) {
            for (Step step : job.plan()) {
                String json = ConfigJson.toJson(step);
                String pipeline = "{\"jobs\": [{\"name\": \"j\", \"plan\": [" + json + "]}]}";
                LoadResult<PipelineConfig> result = PipelineLoader.create().loadJson("step.json", pipeline);
                // The lone step may refer to resources this pipeline lacks: compare the bound model only.
                assertThat(result.config()).isPresent();
                assertThat(result.config().orElseThrow().jobs().get(0).plan()).as("%s in %s", step.label(), name)
                        .containsExactly(step);
            }
        }
    }

    static Stream<TaskConfig> corpusTaskConfigs() {
        List<TaskConfig> configs = new ArrayList<>();
        ValidPipelineCorpusTest.corpus().map(JsonRoundTripTest::load).forEach(p -> {
            for (JobConfig job : p.jobs()) {
                List<Step> all = new ArrayList<>(job.plan());
                Stream.of(job.onSuccess(), job.onFailure(), job.onAbort(), job.onError(), job.ensure())
                        .filter(java.util.Objects::nonNull).forEach(all::add);
                all.forEach(s -> collectTasks(s, configs));
            }
        });
        return configs.stream();
    }

    private static void collectTasks(Step step, List<TaskConfig> out) {
        switch (step) {
            case TaskStep t -> {
                if (t.config() != null) {
                    out.add(t.config());
                }
            }
            case DoStep d -> d.steps().forEach(s -> collectTasks(s, out));
            case InParallelStep p -> p.steps().forEach(s -> collectTasks(s, out));
            case TryStep t -> collectTasks(t.step(), out);
            case AcrossStep a -> collectTasks(a.step(), out);
            case RetryStep r -> collectTasks(r.step(), out);
            case TimeoutStep t -> collectTasks(t.step(), out);
            case HookStep h -> {
                collectTasks(h.step(), out);
                collectTasks(h.hook(), out);
            }
            default -> {
            }
        }
    }

    @Test
    void corpusHasManyTaskConfigs() {
        assertThat(corpusTaskConfigs().count()).isGreaterThan(40);
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("corpusTaskConfigs")
    void taskConfigSurvivesJson(TaskConfig config, @TempDir Path dir) throws IOException {
        String json = ConfigJson.toJson(config);

        Path file = dir.resolve("task.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        LoadResult<TaskConfig> fromJsonFile = TaskConfigLoader.create().load(file);
        LoadResult<TaskConfig> fromYamlText = TaskConfigLoader.create().load("task.yml", json);

        assertThat(fromJsonFile.errors()).isEmpty();
        assertThat(fromJsonFile.orThrow()).isEqualTo(config);
        assertThat(fromYamlText.orThrow()).isEqualTo(config);
        assertThat(ConfigJson.toJson(fromJsonFile.orThrow())).isEqualTo(json);
    }

    @Test
    void taskFileWithEveryKeySurvivesJson() {
        String yaml = """
                platform: linux
                image_resource:
                  name: img
                  type: registry-image
                  source: {repository: golang, tag: "1.22"}
                  version: {digest: "sha256:1"}
                  params: {format: oci}
                  tags: [t]
                rootfs_uri: docker:///golang
                container_limits: {cpu: 100, memory: 1GiB}
                params: {A: 1, B: true, C: {x: [1, 2]}, D: ~}
                run: {path: go, args: [test], dir: src, user: root}
                inputs: [{name: src, path: s, optional: true}, {name: other}]
                outputs: [{name: out, path: o}, {name: out2}]
                caches: [{path: c, ttl: 1h}, {path: d}]
                """;
        TaskConfig config = TaskConfigLoader.create().load("task.yml", yaml).orThrow();
        String json = ConfigJson.toJson(config);

        assertThat(config.params()).containsExactly(Map.entry("A", "1"), Map.entry("B", "true"),
                Map.entry("C", "{\"x\":[1,2]}"), Map.entry("D", ""));
        assertThat(config.containerLimits()).isEqualTo(new ContainerLimits(100L, 1L << 30));
        assertThat(TaskConfigLoader.create().load("task.json", json).orThrow()).isEqualTo(config);
        assertThat(json).contains("\"memory\":1073741824").contains("\"A\":\"1\"");
    }

    @Test
    void emptyCollectionsThatMeanSomethingSurviveJson() {
        // inputs: [] (a put with no inputs at all), version: {}, across values: [], container_limits: {}
        // and user_data: {} are not the same as leaving them out.
        String yaml = """
                resources:
                - {name: r, type: mock}
                jobs:
                - name: j
                  plan:
                  - get: r
                    version: {}
                  - put: r
                    inputs: []
                  - across: [{var: v, values: []}]
                    task: t
                    file: r/t.yml
                  - task: limited
                    file: r/t.yml
                    container_limits: {}
                user_data: {}
                """;
        PipelineConfig config = PipelineLoader.create().load("empty.yml", yaml).orThrow();
        assertThat(((PutStep) config.jobs().get(0).plan().get(1)).inputs()).isEqualTo(InputsConfig.of(List.of()));
        assertThat(((GetStep) config.jobs().get(0).plan().get(0)).version())
                .isEqualTo(VersionConfig.pinned(Map.of()));

        assertThat(((AcrossStep) config.jobs().get(0).plan().get(2)).vars().get(0).values()).isEqualTo(List.of());
        assertThat(config.userData()).isEqualTo(Map.of());
        assertThat(((TaskStep) config.jobs().get(0).plan().get(3)).containerLimits())
                .isEqualTo(new ContainerLimits(null, null));

        PipelineConfig back = ConfigJson.pipelineFromJson(ConfigJson.toJson(config));

        assertThat(back).isEqualTo(config);
    }
}
