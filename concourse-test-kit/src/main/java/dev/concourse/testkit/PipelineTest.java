package dev.concourse.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tests of a Concourse pipeline: each test method (or its {@code @BeforeEach}) that declares a
 * {@link PipelineHarness} parameter gets a harness of its own, with a fresh engine, closed after the
 * test. On a class or a method (a method's annotation wins). Safe with JUnit's parallel execution.
 *
 * <pre>{@code
 * @PipelineTest(pipeline = "ci/pipeline.yml", vars = "ci/vars.yml")
 * class PipelineTests {
 *     @Test
 *     void unitRunsOnEveryCommit(PipelineHarness ci) {
 *         ci.resource("repo").emit(Map.of("ref", "abc"));
 *         ci.task("unit").returns(0);
 *         ci.runUntilIdle();
 *         assertThat(ci.job("unit").lastBuild()).succeeded().usedInput("repo", Map.of("ref", "abc"));
 *     }
 * }
 * }</pre>
 *
 * <p>For settings computed at run time, register {@link PipelineTestExtension} with
 * {@code @RegisterExtension} instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PipelineTestExtension.class)
public @interface PipelineTest {

    /** The pipeline's YAML file, relative to the working directory (the module's folder under Maven). */
    String pipeline();

    /** Vars files ({@code -l}), in order. */
    String[] vars() default {};

    /** The pipeline's name; default: the file's name without extension. */
    String name() default "";

    /** Run tasks that have no mock as processes on this machine, instead of failing the test. */
    boolean runUnmockedTasks() default false;

    /** Where snapshots live, relative to the working directory. */
    String snapshots() default "src/test/resources/pipeline-snapshots";
}
