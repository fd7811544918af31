package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each hook against each outcome of its step, as Concourse's atc/exec/on_*.go and ensure_step.go. */
class HooksTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path base;
    ExecHarness harness;

    @BeforeEach
    void setUp() {
        harness = new ExecHarness(base);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @ParameterizedTest(name = "{0} after {1}: hook runs {2}, build {3}")
    @CsvSource({
        "on_success, succeeded, true,  SUCCEEDED",
        "on_success, failed,    false, FAILED",
        "on_success, errored,   false, ERRORED",
        "on_success, aborted,   false, ABORTED",
        "on_failure, succeeded, false, SUCCEEDED",
        "on_failure, failed,    true,  FAILED",
        "on_failure, errored,   false, ERRORED",
        "on_failure, aborted,   false, ABORTED",
        "on_error,   succeeded, false, SUCCEEDED",
        "on_error,   failed,    false, FAILED",
        "on_error,   errored,   true,  ERRORED",
        "on_error,   aborted,   false, ABORTED",
        "on_abort,   succeeded, false, SUCCEEDED",
        "on_abort,   failed,    false, FAILED",
        "on_abort,   errored,   false, ERRORED",
        "on_abort,   aborted,   true,  ABORTED",
        "ensure,     succeeded, true,  SUCCEEDED",
        "ensure,     failed,    true,  FAILED",
        "ensure,     errored,   true,  ERRORED",
        "ensure,     aborted,   true,  ABORTED",
    })
    void hookRunsWhenConcourseRunsIt(String hook, String outcome, boolean runs, BuildStatus expected)
            throws InterruptedException {
        String plan = step(outcome) + """
                  %s:
                    task: hook
                    config: {platform: linux, run: {path: echo, args: [hook ran]}}
                """.formatted(hook);

        ExecHarness.Build build = run(plan, outcome.equals("aborted"));

        assertThat(build.status).isEqualTo(expected);
        assertThat(build.events.stdout()).isEqualTo(runs ? "hook ran\n" : "");
    }

    @ParameterizedTest(name = "{0} with a {1} hook after {2}: build {3}")
    @CsvSource({
        "on_success, failing,  succeeded, FAILED",
        "on_success, erroring, succeeded, ERRORED",
        "on_failure, failing,  failed,    FAILED",
        "on_failure, erroring, failed,    ERRORED",
        "on_error,   failing,  errored,   ERRORED",
        "on_abort,   erroring, aborted,   ABORTED",
        "ensure,     failing,  succeeded, FAILED",
        "ensure,     erroring, succeeded, ERRORED",
        "ensure,     failing,  aborted,   ABORTED",
    })
    void theHooksOwnOutcomeCountsAsConcourseCountsIt(String hook, String hookOutcome, String outcome,
            BuildStatus expected) throws InterruptedException {
        String hookStep = hookOutcome.equals("failing")
                ? "{platform: linux, run: {path: sh, args: [-c, 'echo hook ran; exit 1']}}"
                : "{platform: linux, inputs: [{name: missing}], run: {path: \"true\"}}";
        String plan = step(outcome) + """
                  %s:
                    task: hook
                    config: %s
                """.formatted(hook, hookStep);

        ExecHarness.Build build = run(plan, outcome.equals("aborted"));

        assertThat(build.status).isEqualTo(expected);
        assertThat(build.events.typesOf(build.id("hook"))).startsWith("initialize-task");
    }

    @Test
    void anOnAbortHookRunsToItsEndAlthoughTheBuildIsAborting() throws InterruptedException {
        String plan = step("aborted") + """
                  on_abort:
                    task: hook
                    config: {platform: linux, run: {path: sh, args: [-c, 'sleep 0.3; echo cleaned up']}}
                """;

        ExecHarness.Build build = run(plan, true);

        assertThat(build.status).isEqualTo(BuildStatus.ABORTED);
        assertThat(build.events.stdout()).isEqualTo("cleaned up\n");
        assertThat(build.events.ofType(BuildEvent.FinishTask.class)).extracting(e -> e.origin().id())
                .containsExactly(build.id("hook"));
    }

    private ExecHarness.Build run(String plan, boolean abortOnceStarted) throws InterruptedException {
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan(plan).asStep());
        if (abortOnceStarted) {
            String stepId = build.id("step");
            build.events.await(e -> e instanceof BuildEvent.StartTask s && s.origin().id().equals(stepId), WAIT);
            build.run.abort();
        }
        build.await(thread, WAIT);
        return build;
    }

    /** A task named step with the outcome; its modifiers go right after it at the same indentation. */
    private static String step(String outcome) {
        String config = switch (outcome) {
            case "succeeded" -> "{platform: linux, run: {path: \"true\"}}";
            case "failed" -> "{platform: linux, run: {path: \"false\"}}";
            case "errored" -> "{platform: linux, inputs: [{name: missing}], run: {path: \"true\"}}";
            case "aborted" -> "{platform: linux, run: {path: sleep, args: [\"30\"]}}";
            default -> throw new IllegalArgumentException(outcome);
        };
        return "- task: step\n  config: " + config + "\n";
    }
}
