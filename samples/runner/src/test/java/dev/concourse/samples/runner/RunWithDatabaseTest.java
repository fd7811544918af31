package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.PipelineRef;
import dev.concourse.db.JpaStorage;
import dev.concourse.spi.storage.BuildInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --database}: a second run continues from the versions and builds of the first. */
class RunWithDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunOnTheSameH2FileContinuesFromTheFirstsVersionsAndBuilds() throws IOException {
        Path pipeline = dir.resolve("fetch.yml");
        Files.writeString(pipeline, """
                resources:
                - name: repo
                  type: mock
                  source: {initial_version: "1"}
                jobs:
                - name: show
                  plan:
                  - get: repo
                  - task: cat
                    config:
                      platform: linux
                      inputs: [{name: repo}]
                      run: {path: cat, args: [repo/version]}
                """);
        String url = "jdbc:h2:file:" + dir.resolve(".concourse/state");

        CliRun first = CliRun.of("run", pipeline.toString(), "--job", "show", "--database", url);
        CliRun second = CliRun.of("run", pipeline.toString(), "--job", "show", "--database", url);

        assertThat(first.exitCode()).as(first.err()).isZero();
        // Creating the schema says nothing on stdout or stderr: they are the build's.
        assertThat(first.outLines()).containsExactly(
                "==> get: repo",
                "==> task: cat",
                "1",
                "==> main/fetch/show #1 succeeded");
        assertThat(first.err()).isEmpty();
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.outLines()).containsExactly(
                "==> get: repo",
                "==> task: cat",
                "1",
                "==> main/fetch/show #2 succeeded");
        assertThat(Files.exists(dir.resolve(".concourse/state.mv.db"))).isTrue();

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        try (HikariDataSource dataSource = new HikariDataSource(config);
                JpaStorage storage = JpaStorage.builder().dataSource(dataSource).build()) {
            Job job = storage.pipelines().job(PipelineRef.main("fetch").job("show")).orElseThrow();
            List<Build> builds = storage.builds().listForJob(job.id(), 10);
            assertThat(builds).extracting(Build::name).containsExactly("2", "1");
            assertThat(builds).extracting(Build::status).containsOnly(BuildStatus.SUCCEEDED);
            // Both builds got the one version the first run's check saved: the second found it stored.
            List<BuildInput> firstInputs = storage.builds().inputs(builds.get(1).id());
            List<BuildInput> secondInputs = storage.builds().inputs(builds.get(0).id());
            assertThat(firstInputs).hasSize(1);
            assertThat(secondInputs).extracting(BuildInput::versionId)
                    .containsExactly(firstInputs.getFirst().versionId());
            assertThat(storage.events().lastSequence(builds.get(0).id())).isPositive();
        }
    }

    @Test
    void theWholePipelineRunsOnceThroughPassedConstraintsAndASecondRunFindsNothingNewToDo() throws IOException {
        Path pipeline = dir.resolve("fan.yml");
        Files.writeString(pipeline, """
                resources:
                - name: source
                  type: mock
                  source: {initial_version: v1}
                - name: artifact
                  type: mock
                  source: {no_initial_version: true}
                jobs:
                - name: build
                  plan:
                  - get: source
                    trigger: true
                  - put: artifact
                    params: {version: a1}
                - name: unit
                  plan:
                  - get: artifact
                    trigger: true
                    passed: [build]
                - name: ship
                  plan:
                  - get: artifact
                    trigger: true
                    passed: [unit]
                  - task: ship
                    config:
                      platform: linux
                      inputs: [{name: artifact}]
                      run: {path: sh, args: [-c, "echo shipping $(cat artifact/version)"]}
                """);
        String url = "jdbc:h2:file:" + dir.resolve("state");

        CliRun first = CliRun.of("run", pipeline.toString(), "--database", url);
        CliRun second = CliRun.of("run", pipeline.toString(), "--database", url);

        assertThat(first.exitCode()).as("out: %s err: %s", first.out(), first.err()).isZero();
        assertThat(first.outLines()).containsSubsequence("==> main/fan/build #1 succeeded",
                "==> main/fan/unit #1 succeeded", "ship/1 | shipping a1", "==> main/fan/ship #1 succeeded",
                "==> 3 builds: 3 succeeded");
        // The versions and the builds that used them were kept: nothing is new, so nothing runs again.
        assertThat(second.exitCode()).as("out: %s err: %s", second.out(), second.err()).isZero();
        assertThat(second.outLines()).containsExactly(
                "==> idle: no job can make progress",
                "==> build: waiting for a new version of 'source' (its builds used the current ones)",
                "==> unit: waiting for a new version of 'artifact' (its builds used the current ones)",
                "==> ship: waiting for a new version of 'artifact' (its builds used the current ones)",
                "==> no build ran");
    }

    @Test
    void aDatabaseUrlThatIsNotH2OrPostgresqlIsAUsageError() throws IOException {
        Path pipeline = dir.resolve("p.yml");
        Files.writeString(pipeline, """
                jobs:
                - name: j
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "j", "--database", "jdbc:mysql://x/y");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--database takes a JDBC URL of H2 or PostgreSQL");
    }
}
