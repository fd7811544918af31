package dev.concourse.testkit;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension as users meet it: pipeline tests run through JUnit's own engine (EngineTestKit),
 * failing for the right reasons with the right messages, diagnostics attached.
 */
class PipelineTestExtensionTest {
    static final String PIPELINE = "src/test/resources/pipelines/ci.yml";
    /** Harnesses the fixtures were given, to see that they were closed. */
    static final ConcurrentLinkedQueue<PipelineHarness> SEEN = new ConcurrentLinkedQueue<>();

    private static Events run(Class<?> fixture, Map<String, String> config) {
        return EngineTestKit.engine("junit-jupiter").configurationParameters(config)
                .configurationParameter(OnlyThroughEngineTestKit.PARAMETER, "true").selectors(selectClass(fixture))
                .execute().testEvents();
    }

    @Test
    void aFailingAssertionFailsTheTestWithTheBuildsStepTreeAndLogTail() {
        Events events = run(FailingPipelineTests.class, Map.of());

        events.assertStatistics(s -> s.started(1).failed(1));
        Throwable failure = events.failed().list().getFirst().getRequiredPayload(
                org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure).hasMessageContaining("expected main/ci/unit #1 to have succeeded, but it failed")
                .hasMessageContaining("task unit-tests: failed (exit 1)");
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(PipelineDiagnostics.class)
                .satisfies(d -> assertThat(d.getMessage())
                        .contains("--- main/ci/unit #1 failed")
                        .contains("task unit-tests: failed (exit 1)")
                        .contains("on_failure:")
                        .contains("| compiling module 7 of 9")
                        .contains("| 3 tests failed"));
    }

    @Test
    void anUnmockedTaskFailsTheTestListingWhatToMock() {
        run(UnmockedTaskTests.class, Map.of()).assertThatEvents().haveExactly(1, event(test("runs"),
                finishedWithFailure(message(m -> m.contains("tasks ran without a mock: unit-tests")
                        && m.contains("ci.task(\"unit-tests\").returns(0);")
                        && m.contains("@PipelineTest(runUnmockedTasks = true)")))));
    }

    @Test
    void aDifferentSnapshotFailsSayingHowToUpdateIt() {
        run(SnapshotTests.class, Map.of()).assertThatEvents().haveExactly(1, event(test("differs"),
                finishedWithFailure(message(m -> m.contains("the step tree differs from snapshot")
                        && m.contains("-Dconcourse.snapshots.update=true")
                        && m.contains("task unit-tests: succeeded (exit 0)")))));
    }

    @Test
    void passingTestsPassAndEveryHarnessIsClosedAfterItsTest() {
        SEEN.clear();
        run(PassingPipelineTests.class, Map.of()).assertStatistics(s -> s.started(3).succeeded(3));
        assertThat(SEEN).hasSize(3).allMatch(PipelineHarness::isClosed);
        assertThat(SEEN.stream().distinct()).hasSize(3);
    }

    @Test
    void testsRunInParallelEachWithItsOwnEngine() {
        SEEN.clear();
        run(PassingPipelineTests.class, Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "3"))
                .assertStatistics(s -> s.started(3).succeeded(3));
        assertThat(SEEN).hasSize(3).allMatch(PipelineHarness::isClosed);
    }

    @Test
    void programmaticRegistrationWorksLikeTheAnnotation() {
        run(RegisteredExtensionTests.class, Map.of()).assertThatEvents()
                .haveExactly(1, event(test("runs"), finishedSuccessfully()));
    }

    @Test
    void aMissingPipelineFileFailsNamingIt() {
        run(MissingPipelineTests.class, Map.of()).assertThatEvents().haveExactly(1, event(test("runs"),
                finishedWithFailure(message(m -> m.contains("cannot set up the pipeline under test")
                        && m.contains("pipeline src/test/resources/pipelines/nope.yml does not exist")))));
    }

    // Fixtures: nested (Surefire skips nested classes) and run only through EngineTestKit.

    @OnlyThroughEngineTestKit
    @PipelineTest(pipeline = PIPELINE)
    static class FailingPipelineTests {
        @Test
        void unitSucceeds(PipelineHarness ci) {
            ci.resource("repo").emit("ref", "abc");
            ci.task("unit-tests").returns(1).prints("compiling module 7 of 9\n").printsError("3 tests failed\n");
            ci.task("notify").returns(0);
            ci.runUntilIdle();
            assertThat(ci.job("unit").lastBuild()).succeeded();
        }
    }

    @OnlyThroughEngineTestKit
    @PipelineTest(pipeline = PIPELINE)
    static class UnmockedTaskTests {
        @Test
        void runs(PipelineHarness ci) {
            ci.resource("repo").emit("ref", "abc");
            ci.runUntilIdle();
        }
    }

    @OnlyThroughEngineTestKit
    static class SnapshotTests {
        @RegisterExtension
        static PipelineTestExtension ci = PipelineTestExtension.forPipeline(Path.of(PIPELINE))
                .snapshotDirectory(Path.of("src/test/resources/fixture-snapshots"));

        @Test
        void differs(PipelineHarness ci) {
            ci.resource("repo").emit("ref", "abc");
            ci.task("unit-tests").returns(0);
            ci.runUntilIdle();
            assertThat(ci.job("unit").lastBuild()).matchesSnapshot("unit-build");
        }
    }

    @OnlyThroughEngineTestKit
    @PipelineTest(pipeline = PIPELINE)
    static class PassingPipelineTests {
        private PipelineHarness fromBeforeEach;

        @BeforeEach
        void mockTasks(PipelineHarness ci) {
            fromBeforeEach = ci;
            ci.task("unit-tests").returns(0);
            ci.task("build-image").returns(0);
            ci.secret("registry-token", "t0k3n");
        }

        @Test
        void one(PipelineHarness ci) {
            runChain(ci, "1");
        }

        @Test
        void two(PipelineHarness ci) {
            runChain(ci, "2");
        }

        @Test
        void three(PipelineHarness ci) {
            runChain(ci, "3");
        }

        private void runChain(PipelineHarness ci, String ref) {
            assertThat(ci).isSameAs(fromBeforeEach);
            SEEN.add(ci);
            ci.resource("repo").emit("ref", ref);
            ci.runUntilIdle();
            assertThat(ci.job("deploy").lastBuild()).succeeded().usedInput("repo", Map.of("ref", ref));
            assertThat(ci.builds()).hasSize(2);
        }
    }

    @OnlyThroughEngineTestKit
    static class RegisteredExtensionTests {
        @RegisterExtension
        static PipelineTestExtension ci = PipelineTestExtension.forPipeline(Path.of(PIPELINE)).name("app")
                .var("unused", "x");

        @Test
        void runs(PipelineHarness ci) {
            ci.task("unit-tests").returns(0);
            ci.resource("repo").emit("ref", "abc");
            ci.runUntilIdle();
            assertThat(ci.pipeline().name()).isEqualTo("app");
            assertThat(ci.job("unit").lastBuild()).succeeded();
            assertThat(List.of(ci.job("unit").buildCount())).containsExactly(1);
        }
    }

    @OnlyThroughEngineTestKit
    @PipelineTest(pipeline = "src/test/resources/pipelines/nope.yml")
    static class MissingPipelineTests {
        @Test
        void runs(PipelineHarness ci) {
            ci.runUntilIdle();
        }
    }
}
