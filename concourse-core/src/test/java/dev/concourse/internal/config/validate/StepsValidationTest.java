package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Fixtures.across;
import static dev.concourse.internal.config.validate.Fixtures.acrossVar;
import static dev.concourse.internal.config.validate.Fixtures.get;
import static dev.concourse.internal.config.validate.Fixtures.getWithTimeout;
import static dev.concourse.internal.config.validate.Fixtures.job;
import static dev.concourse.internal.config.validate.Fixtures.put;
import static dev.concourse.internal.config.validate.Fixtures.task;
import static dev.concourse.internal.config.validate.Fixtures.taskConfig;
import static dev.concourse.internal.config.validate.Fixtures.taskFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.AcrossVar;
import dev.concourse.config.DoStep;
import dev.concourse.config.HookKind;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.RetryStep;
import dev.concourse.config.RunStep;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepsValidationTest {

    private static final String JOB = "jobs.some-other-job.plan";

    private static LoadVarStep loadVar(String name, String file) {
        return new LoadVarStep(name, file, null, false);
    }

    @Test
    void repeatedGetNames() {
        assertThat(Fixtures.withPlan(get("some-resource"), get("some-resource"), get("some-resource")).findings())
                .containsExactly(
                        "error duplicate_name " + JOB + ".do[1].get(some-resource): repeated name",
                        "error duplicate_name " + JOB + ".do[2].get(some-resource): repeated name");
    }

    @Test
    void repeatedGetNamesEvenForDifferentResources() {
        Fixtures f = Fixtures.withPlan(get("x", "some-resource"), get("x", "some-resource"));

        assertThat(f.findings()).containsExactly("error duplicate_name " + JOB + ".do[1].get(x): repeated name");
    }

    @Test
    void sameResourceUnderDifferentNamesIsFine() {
        assertThat(Fixtures.withPlan(get("a", "some-resource"), get("b", "some-resource")).findings()).isEmpty();
    }

    @Test
    void taskWithNeitherFileNorConfig() {
        assertThat(Fixtures.withPlan(task(null, null, null, null, false)).findings()).containsExactly(
                "error invalid_identifier " + JOB + ".do[0].task(): identifier cannot be an empty string",
                "error invalid_task " + JOB + ".do[0].task(): must specify either `file:` or `config:`");
    }

    @Test
    void taskWithBothFileAndConfig() {
        assertThat(Fixtures.withPlan(task("lol", "task.yml", taskConfig(), null, false)).findings()).containsExactly(
                "error invalid_task " + JOB + ".do[0].task(lol): must specify one of `file:` or `config:`, not both");
    }

    @Test
    void invalidInlineTaskConfig() {
        TaskConfig noPlatform = new TaskConfig(null, null, null, null, Map.of("param1", "value1"),
                Fixtures.run("true"), List.of(), List.of(), List.of());

        assertThat(Fixtures.withPlan(Fixtures.taskConfig("some-resource", noPlatform)).findings()).containsExactly(
                "error invalid_task_config " + JOB + ".do[0].task(some-resource).config: missing 'platform'");
    }

    @Test
    void hermeticTaskIsAWarning() {
        assertThat(Fixtures.withPlan(task("t", null, taskConfig(), null, true)).findings()).containsExactly(
                "warning pipeline " + JOB + ".do[0].task(t): "
                        + "specifies `hermetic:` only works against worker containerd runtime");
    }

    @Test
    void imageOnTheStepAndInTheConfigIsAWarning() {
        TaskConfig withRootfs = new TaskConfig("linux", "docker:///busybox", null, null, Map.of(),
                Fixtures.run("true"), List.of(), List.of(), List.of());

        assertThat(Fixtures.withPlan(get("some-image", "some-resource"),
                task("t", null, withRootfs, "some-image", false)).findings()).containsExactly(
                "warning pipeline " + JOB + ".do[1].task(t): specifies image: on the step but also specifies an "
                        + "image under config: - the image: on the step takes precedence");
    }

    @Test
    void getOfAnUnknownResource() {
        assertThat(Fixtures.withPlan(get("some-nonexistent-resource")).findings()).containsExactly(
                "error unknown_resource " + JOB + ".do[0].get(some-nonexistent-resource): "
                        + "unknown resource 'some-nonexistent-resource'");
    }

    @Test
    void getWithCustomNameOfAnUnknownResource() {
        assertThat(Fixtures.withPlan(get("custom-name", "some-missing-resource")).findings()).containsExactly(
                "error unknown_resource " + JOB + ".do[0].get(custom-name): unknown resource 'some-missing-resource'");
    }

    @Test
    void putOfAnUnknownResource() {
        assertThat(Fixtures.withPlan(put("custom-name", "some-missing-resource")).findings()).containsExactly(
                "error unknown_resource " + JOB + ".do[0].put(custom-name): unknown resource 'some-missing-resource'");
    }

    @Test
    void runOfAnUnknownPrototype() {
        assertThat(Fixtures.withPlan(new RunStep("some-message", "some-nonexistent-prototype", Map.of(), false,
                List.of(), null, null)).findings()).containsExactly(
                "error unknown_prototype " + JOB + ".do[0].run(some-nonexistent-prototype.some-message): "
                        + "unknown prototype 'some-nonexistent-prototype'");
    }

    @Test
    void runMessageWithAnInvalidIdentifierIsAnError() {
        assertThat(Fixtures.withPlan(new RunStep("_run-step", "some-prototype", Map.of(), false, List.of(), null,
                null)).findings()).containsExactly(
                "error invalid_identifier " + JOB + ".do[0].run(some-prototype._run-step): '_run-step' is not a "
                        + "valid identifier: must start with a lowercase letter or a number");
    }

    @Test
    void stepsWithInvalidIdentifiersAreWarnings() {
        Fixtures f = Fixtures.withPlan(
                put("Some-Resource", "some-resource"),
                taskFile("some task", "t.yml"),
                new SetPipelineStep("123", "p.yml", null, Map.of(), List.of(), Map.of()),
                loadVar("someVar", "f.json"));

        assertThat(f.findings()).containsExactly(
                "warning invalid_identifier " + JOB + ".do[0].put(Some-Resource): 'Some-Resource' is not a valid "
                        + "identifier: must start with a lowercase letter or a number",
                "warning invalid_identifier " + JOB + ".do[1].task(some task): 'some task' is not a valid "
                        + "identifier: illegal character ' '",
                "warning invalid_identifier " + JOB + ".do[2].set_pipeline(123): '123' is not a valid identifier: "
                        + "cannot be just numbers",
                "warning invalid_identifier " + JOB + ".do[3].load_var(someVar): 'someVar' is not a valid "
                        + "identifier: illegal character 'V'");
    }

    @Test
    void hooksOfTheJobAreValidatedAfterThePlanWithTheirOwnSegment() {
        JobConfig job = new JobConfig("some-other-job", null, false, false, false, false, false, List.of(), 0,
                List.of(), 0, null, List.of(get("nope-plan")), get("nope-success"), get("nope-failure"),
                get("nope-abort"), get("nope-error"), get("nope-ensure"));
        Fixtures f = Fixtures.base();
        f.groups.clear();
        f.jobs.add(job);

        assertThat(f.findings()).containsExactly(
                "error unknown_resource " + JOB + ".do[0].get(nope-plan): unknown resource 'nope-plan'",
                "error unknown_resource " + JOB + ".on_success.get(nope-success): unknown resource 'nope-success'",
                "error unknown_resource " + JOB + ".on_failure.get(nope-failure): unknown resource 'nope-failure'",
                "error unknown_resource " + JOB + ".on_abort.get(nope-abort): unknown resource 'nope-abort'",
                "error unknown_resource " + JOB + ".on_error.get(nope-error): unknown resource 'nope-error'",
                "error unknown_resource " + JOB + ".ensure.get(nope-ensure): unknown resource 'nope-ensure'");
    }

    @Test
    void stepHooksTryDoAndInParallelPaths() {
        Fixtures f = Fixtures.withPlan(
                new HookStep(get("some-resource"), HookKind.ON_ABORT, put("custom-name", "missing")),
                new TryStep(put("custom-name", "missing")),
                new DoStep(List.of(get("x", "missing")), List.of()),
                new InParallelStep(List.of(get("y", "missing")), 0, false));

        assertThat(f.findings()).containsExactly(
                "error unknown_resource " + JOB + ".do[0].on_abort.put(custom-name): unknown resource 'missing'",
                "error unknown_resource " + JOB + ".do[1].try.put(custom-name): unknown resource 'missing'",
                "error unknown_resource " + JOB + ".do[2].do[0].get(x): unknown resource 'missing'",
                "error unknown_resource " + JOB + ".do[3].in_parallel.steps[0].get(y): unknown resource 'missing'");
    }

    @Test
    void invalidTimeoutModifier() {
        assertThat(Fixtures.withPlan(new TimeoutStep(new DoStep(List.of(get("some-resource")), List.of()), "nope"))
                .findings()).containsExactly("error invalid_duration " + JOB + ".do[0].timeout: invalid duration 'nope'");
    }

    @Test
    void timeoutWithAVarIsLeftForRunTime() {
        assertThat(Fixtures.withPlan(new TimeoutStep(new DoStep(List.of(), List.of()), "((timeout))"),
                getWithTimeout("some-resource", "((t))")).findings()).isEmpty();
    }

    @Test
    void invalidTimeoutFieldOfAGet() {
        assertThat(Fixtures.withPlan(getWithTimeout("some-resource", "1 hour")).findings()).containsExactly(
                "error invalid_duration " + JOB + ".do[0].get(some-resource).timeout: invalid duration '1 hour'");
    }

    @Test
    void attemptsMustBePositive() {
        assertThat(Fixtures.withPlan(new RetryStep(get("some-resource"), 0)).findings()).containsExactly(
                "error invalid_attempts " + JOB + ".do[0].attempts: must be greater than 0");
    }

    @Test
    void setPipelineWithoutNameOrFile() {
        assertThat(Fixtures.withPlan(new SetPipelineStep(null, null, null, Map.of(), List.of(), Map.of())).findings())
                .containsExactly(
                        "error invalid_identifier " + JOB + ".do[0].set_pipeline(): identifier cannot be an empty string",
                        "error missing_file " + JOB + ".do[0].set_pipeline(): no file specified");
    }

    @Test
    void loadVarWithoutNameOrFile() {
        assertThat(Fixtures.withPlan(loadVar(null, null)).findings()).containsExactly(
                "error invalid_identifier " + JOB + ".do[0].load_var(): identifier cannot be an empty string",
                "error missing_file " + JOB + ".do[0].load_var(): no file specified");
    }

    @Test
    void repeatedLoadVarName() {
        assertThat(Fixtures.withPlan(loadVar("a-var", "f"), loadVar("a-var", "f")).findings()).containsExactly(
                "error duplicate_var " + JOB + ".do[1].load_var(a-var): repeated var name");
    }

    @Test
    void validAcross() {
        assertThat(Fixtures.withPlan(across(get("some-resource"),
                acrossVar("var1", null),
                acrossVar("var2", AcrossVar.MaxInFlight.of(2)),
                acrossVar("var3", AcrossVar.MaxInFlight.ALL))).findings()).isEmpty();
    }

    @Test
    void acrossWithoutVars() {
        assertThat(Fixtures.withPlan(across(get("some-resource"))).findings()).containsExactly(
                "error invalid_across " + JOB + ".do[0].across: no vars specified");
    }

    @Test
    void acrossRepeatingAVar() {
        assertThat(Fixtures.withPlan(across(get("some-resource"), acrossVar("var1", null), acrossVar("var1", null)))
                .findings()).containsExactly("error duplicate_var " + JOB + ".do[0].across[1]: repeated var name");
    }

    @Test
    void acrossShadowingALocalVar() {
        assertThat(Fixtures.withPlan(loadVar("var1", "f"), across(get("some-resource"), acrossVar("var1", null)))
                .findings()).containsExactly("warning var_shadowed " + JOB + ".do[1].across[0]: shadows local var 'var1'");
    }

    @Test
    void stepUnderAcrossShadowingALocalVar() {
        assertThat(Fixtures.withPlan(loadVar("a", "f"), across(loadVar("a", "f"), acrossVar("b", null)))
                .findings()).containsExactly(
                "warning var_shadowed " + JOB + ".do[1].across.load_var(a): shadows local var 'a'");
    }

    @Test
    void acrossMaxInFlightMustBePositive() {
        assertThat(Fixtures.withPlan(across(get("some-resource"), acrossVar("var", AcrossVar.MaxInFlight.of(0))))
                .findings()).containsExactly(
                "error invalid_across " + JOB + ".do[0].across[0].max_in_flight: must be greater than 0");
    }

    @Test
    void templatedTaskAndSetPipelineNamesDirectlyUnderAcrossAreNotChecked() {
        Fixtures f = Fixtures.withPlan(
                across(taskFile("run-((.:name))", "t.yml"), acrossVar("name", null)),
                across(new SetPipelineStep("((.:name))", "p.yml", null, Map.of(), List.of(), Map.of()),
                        acrossVar("name", null)),
                across(new DoStep(List.of(taskFile("run-((.:name))", "t.yml")), List.of()), acrossVar("name", null)));

        assertThat(f.findings()).containsExactly(
                "warning invalid_identifier " + JOB + ".do[2].across.do[0].task(run-((.:name))): 'run-((.:name))' "
                        + "is not a valid identifier: illegal character '('");
    }

    @Test
    void passedNamingNoJob() {
        assertThat(Fixtures.withPlan(get("lol", "some-resource", "bogus-job")).findings()).containsExactly(
                "error invalid_passed " + JOB + ".do[0].get(lol).passed: no matching job(s) for 'bogus-job'");
        assertThat(Fixtures.withPlan(get("lol", "some-resource", "bogus-*")).findings()).containsExactly(
                "error invalid_passed " + JOB + ".do[0].get(lol).passed: no matching job(s) for 'bogus-*'");
    }

    @Test
    void passedJobMustGetOrPutTheResource() {
        assertThat(Fixtures.withPlan(get("some-resource", null, "some-empty-job")).findings()).containsExactly(
                "error invalid_passed " + JOB + ".do[0].get(some-resource).passed: "
                        + "job 'some-empty-job' does not interact with resource 'some-resource'");
    }

    @Test
    void passedJobThatPutsOrGetsTheResourceIsFine() {
        assertThat(Fixtures.withPlan(get("custom-name", "some-resource", "some-job")).findings()).isEmpty();
        assertThat(Fixtures.withPlan(get("some-resource", null, "some-j*")).findings()).isEmpty();
    }

    @Test
    void passedCountsResourcesInHooksAndTries() {
        Fixtures f = Fixtures.base();
        f.groups.clear();
        f.jobs.add(job("job-one", new HookStep(taskFile("t", "t.yml"), HookKind.ON_SUCCESS, put("some-resource"))));
        f.jobs.add(job("job-two", new TryStep(get("some-resource"))));
        f.jobs.add(job("job-three", get("some-resource", null, "job-one", "job-two")));

        assertThat(f.findings()).isEmpty();
    }

    @Test
    void passedGlobsFollowPathMatch() {
        Fixtures f = Fixtures.base();
        f.groups.clear();
        f.jobs.add(job("deploy/prod", get("some-resource")));
        f.jobs.add(job("after", get("some-resource", null, "deploy*")));

        // path.Match's '*' does not cross '/'.
        assertThat(f.findings()).containsExactly(
                "warning invalid_identifier jobs.deploy/prod: 'deploy/prod' is not a valid identifier: "
                        + "illegal character '/'",
                "error invalid_passed jobs.after.plan.do[0].get(some-resource).passed: no matching job(s) for 'deploy*'");
    }
}
