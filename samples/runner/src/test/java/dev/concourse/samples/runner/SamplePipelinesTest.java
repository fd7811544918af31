package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.LoadResult;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every sample in {@code samples/pipelines} validates with {@code --strict}: no error, no warning.
 * A pipeline {@code NAME.yml} is validated with {@code -l vars/NAME.yml} when that file exists;
 * files under {@code vars/} are vars files and files under {@code tasks/} are task configs.
 */
class SamplePipelinesTest {

    private static final Path SAMPLES = Path.of(System.getProperty("basedir", ".")).resolve("../pipelines").normalize();

    @Test
    void theDocumentedSamplesExist() {
        assertThat(pipelines()).extracting(p -> SAMPLES.relativize(p).toString())
                .contains("hello.yml", "chain.yml", "hooks.yml", "across.yml", "set-pipeline.yml",
                        "set-pipeline/deploy.yml", "vars.yml");
        assertThat(taskConfigs()).extracting(p -> SAMPLES.relativize(p).toString()).contains("tasks/hello.yml");
    }

    @TestFactory
    Stream<DynamicTest> everyPipelineIsStrictlyValid() {
        return pipelines().stream().map(pipeline -> DynamicTest.dynamicTest(SAMPLES.relativize(pipeline).toString(),
                () -> {
                    List<String> args = new ArrayList<>(List.of("validate", "--strict"));
                    Path vars = SAMPLES.resolve("vars").resolve(pipeline.getFileName());
                    if (pipeline.getParent().equals(SAMPLES) && Files.exists(vars)) {
                        args.addAll(List.of("-l", vars.toString()));
                    }
                    args.add(pipeline.toString());

                    CliRun run = CliRun.of(args.toArray(String[]::new));

                    assertThat(run.outLines()).containsExactly(pipeline + ": valid");
                    assertThat(run.exitCode()).isZero();
                }));
    }

    @TestFactory
    Stream<DynamicTest> everyTaskConfigIsValid() {
        return taskConfigs().stream().map(task -> DynamicTest.dynamicTest(SAMPLES.relativize(task).toString(),
                () -> {
                    LoadResult<TaskConfig> result = TaskConfigLoader.create().load(task);
                    assertThat(result.findings()).isEmpty();
                    assertThat(result.isValid(true)).isTrue();
                }));
    }

    /** Every {@code .yml} that is neither a vars file nor a task config. */
    private static List<Path> pipelines() {
        return yamlFiles().stream()
                .filter(p -> !p.startsWith(SAMPLES.resolve("vars")) && !p.startsWith(SAMPLES.resolve("tasks")))
                .toList();
    }

    private static List<Path> taskConfigs() {
        return yamlFiles().stream().filter(p -> p.startsWith(SAMPLES.resolve("tasks"))).toList();
    }

    private static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(SAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + SAMPLES, e);
        }
    }
}
