package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static dev.concourse.EventCollector.log;
import static dev.concourse.EventCollector.types;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.credentials.StaticCredentials;
import dev.concourse.event.SequencedEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One pipeline that uses every step type and modifier, run through the public API. */
class EveryStepPipelineTest {

    @Test
    void aPipelineUsingEveryStepRuns(@TempDir Path work) throws Exception {
        try (PipelineEngine engine = PipelineEngine.builder()
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .credentialManager(StaticCredentials.of(Map.of("/main/everything/api-key", "s3cr3t-value")))
                .abortGracePeriod(Duration.ofSeconds(1))
                .build()) {
            engine.start();
            PipelineRef ref = PipelineRef.main("everything");
            engine.pipelines().set(ref, """
                    resources:
                    - name: source
                      type: mock
                      source: {initial_version: "v1", create_files: {"child.yml": "jobs: [{name: child-job, plan: [{task: t, config: {platform: linux, run: {path: 'true'}}}]}]", "settings.json": "{\\"region\\": \\"eu\\"}"}}
                    - name: release
                      type: mock
                    jobs:
                    - name: all-steps
                      on_success:
                        task: job-succeeded
                        config: {platform: linux, run: {path: sh, args: [-c, "echo job on_success"]}}
                      ensure:
                        task: job-ensure
                        config: {platform: linux, run: {path: sh, args: [-c, "echo job ensure"]}}
                      plan:
                      - in_parallel:
                        - get: source
                        - do:
                          - task: prepare
                            config: {platform: linux, run: {path: sh, args: [-c, "echo prepared"]}}
                      - load_var: settings
                        file: source/settings.json
                        reveal: true
                      - across:
                        - var: greeting
                          values: [hello, bonjour]
                        task: greet-((.:greeting))
                        config:
                          platform: linux
                          run: {path: sh, args: [-c, "echo ((.:greeting)) from ((.:settings.region))"]}
                      - try:
                          task: may-fail
                          config: {platform: linux, run: {path: sh, args: [-c, "exit 1"]}}
                      - task: with-secret
                        attempts: 2
                        timeout: 1m
                        config:
                          platform: linux
                          params: {API_KEY: ((api-key))}
                          run: {path: sh, args: [-c, "echo key=$API_KEY"]}
                        on_failure:
                          task: never
                          config: {platform: linux, run: {path: "true"}}
                      - set_pipeline: child
                        file: source/child.yml
                      - put: release
                        params: {version: "r1"}
                    """, StaticVariables.empty());

            Build build = awaitFinished(engine, engine.jobs().trigger(ref.job("all-steps")));
            List<SequencedEvent> events = EventCollector.all(engine, build.id());

            assertThat(build.status()).as(log(events)).isEqualTo(BuildStatus.SUCCEEDED);
            String log = log(events);
            assertThat(log).contains("prepared", "hello from eu", "bonjour from eu", "key=((redacted))",
                    "job on_success", "job ensure").doesNotContain("s3cr3t-value");
            assertThat(types(events)).contains("initialize-get", "finish-get", "finish-put", "set-pipeline-changed");
            assertThat(engine.pipelines().get(PipelineRef.main("child"))).isPresent();
            assertThat(engine.resources().versions(ref.resource("release"), 10))
                    .extracting(v -> v.version().fields().get("version")).contains("r1");
        }
    }
}
