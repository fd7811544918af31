package dev.concourse.internal.config.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.AcrossVar;
import dev.concourse.config.ConfigFinding;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookKind;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PutStep;
import dev.concourse.config.RetryStep;
import dev.concourse.config.SourceLocation;
import dev.concourse.config.Step;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.internal.config.yaml.YamlComposer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BinderTest {

    private static ConfigBinder.Bound<PipelineConfig> bind(String yaml) {
        YamlComposer.Result composed = YamlComposer.compose("test.yml", yaml);
        assertThat(composed.failed()).as("%s", composed.findings()).isFalse();
        return ConfigBinder.pipeline("test.yml", composed.root());
    }

    private static PipelineConfig ok(String yaml) {
        ConfigBinder.Bound<PipelineConfig> bound = bind(yaml);
        assertThat(bound.findings()).isEmpty();
        return bound.value();
    }

    /** Binds a single step written in flow or block style. */
    private static ConfigBinder.Bound<PipelineConfig> bindStep(String step) {
        return bind("jobs:\n- name: j\n  plan:\n  - " + step.strip().replace("\n", "\n    ") + "\n");
    }

    private static Step step(String step) {
        ConfigBinder.Bound<PipelineConfig> bound = bindStep(step);
        assertThat(bound.findings()).isEmpty();
        return bound.value().jobs().get(0).plan().get(0);
    }

    private static List<ConfigFinding> errors(String step) {
        return bindStep(step).findings().stream().filter(ConfigFinding::isError).toList();
    }

    // ---- step precedence ----

    @Test
    void hooksWrapAttemptsWhichWrapTheStep() {
        Step step = step("{task: t, file: x.yml, attempts: 3, on_failure: {task: f, file: f.yml}}");

        assertThat(step).isInstanceOfSatisfying(HookStep.class, hook -> {
            assertThat(hook.kind()).isEqualTo(HookKind.ON_FAILURE);
            assertThat(((TaskStep) hook.hook()).name()).isEqualTo("f");
            assertThat(hook.step()).isInstanceOfSatisfying(RetryStep.class, retry -> {
                assertThat(retry.attempts()).isEqualTo(3);
                assertThat(((TaskStep) retry.step()).name()).isEqualTo("t");
            });
        });
    }

    @Test
    void timeoutWrapsStepsWithoutATimeoutField() {
        Step step = step("{do: [{task: a, file: a.yml}], timeout: 1h}");
        assertThat(step).isInstanceOfSatisfying(TimeoutStep.class, t -> {
            assertThat(t.duration()).isEqualTo("1h");
            assertThat(t.step()).isInstanceOf(DoStep.class);
        });
        assertThat(step("{try: {get: x}, timeout: 5m}")).isInstanceOfSatisfying(TimeoutStep.class,
                t -> assertThat(t.step()).isInstanceOf(TryStep.class));
        assertThat(step("{in_parallel: [], timeout: 5m}")).isInstanceOfSatisfying(TimeoutStep.class,
                t -> assertThat(t.step()).isInstanceOf(InParallelStep.class));
    }

    @Test
    void getPutTaskAndRunKeepTheirOwnTimeout() {
        assertThat(step("{get: x, timeout: 1h}")).isInstanceOfSatisfying(GetStep.class,
                g -> assertThat(g.timeout()).isEqualTo("1h"));
        assertThat(step("{put: x, timeout: 2m}")).isInstanceOfSatisfying(PutStep.class,
                p -> assertThat(p.timeout()).isEqualTo("2m"));
        assertThat(step("{task: t, file: f.yml, timeout: 3s}")).isInstanceOfSatisfying(TaskStep.class,
                t -> assertThat(t.timeout()).isEqualTo("3s"));
    }

    @Test
    void allModifiersNestInPrecedenceOrderWhateverTheWrittenOrder() {
        Step step = step("""
                get: x
                attempts: 2
                across: [{var: v, values: [1]}]
                on_success: {get: s}
                on_failure: {get: f}
                on_abort: {get: a}
                on_error: {get: e}
                ensure: {get: n}
                """);
        List<String> layers = new java.util.ArrayList<>();
        Step current = step;
        while (true) {
            layers.add(current.label());
            if (current instanceof HookStep h) {
                current = h.step();
            } else if (current instanceof AcrossStep a) {
                current = a.step();
            } else if (current instanceof RetryStep r) {
                current = r.step();
            } else {
                break;
            }
        }
        assertThat(layers).containsExactly("ensure", "on_error", "on_abort", "on_failure", "on_success", "across",
                "attempts", "get(x)");
    }

    @Test
    void twoCoreStepsInOneMappingIsAnError() {
        List<ConfigFinding> errors = errors("{get: a, put: b}");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("unknown_field");
            assertThat(e.message()).contains("'put'").contains("'get'").contains("only have one");
            // put comes before get in Concourse's precedence, so get is the leftover.
            assertThat(e.path()).isEqualTo("jobs.j.plan[0].put(b)");
            assertThat(e.location()).isEqualTo(new SourceLocation("test.yml", 4, 6));
        });
        assertThat(bindStep("{get: a, put: b}").value().jobs().get(0).plan().get(0))
                .as("the step with the higher precedence is kept").isInstanceOf(PutStep.class);
        assertThat(errors("{do: [], task: t, file: f.yml}")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("jobs.j.plan[0].task(t)"));
    }

    @Test
    void noStepConfigured() {
        assertThat(errors("{gett: x}")).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("invalid_step");
            assertThat(e.message()).contains("no step configured").contains("did you mean 'get'?");
        });
        assertThat(errors("{attempts: 3}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("no core step"));
        assertThat(errors("just-a-string")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("a step must be a mapping"));
    }

    @Test
    void unknownFieldsSuggestTheClosestName() {
        assertThat(errors("{get: x, triger: true}")).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("unknown_field");
            assertThat(e.message()).isEqualTo("unknown field 'triger' (did you mean 'trigger'?)");
        });
        assertThat(errors("{task: t, file: f.yml, input_maping: {}}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("did you mean 'input_mapping'?"));
        assertThat(errors("{get: x, completely_different: 1}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("unknown field 'completely_different'"));
        // A field of another step type is unknown here.
        assertThat(errors("{get: x, no_get: true}")).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("unknown field 'no_get'"));
    }

    @Test
    void unknownFieldsInTaskConfigsAndResources() {
        ConfigBinder.Bound<PipelineConfig> bound = bind("""
                resources:
                - {name: r, type: git, sourse: {}}
                jobs:
                - name: j
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: x}, ouputs: []}
                """);
        assertThat(bound.findings()).extracting(ConfigFinding::message).containsExactly(
                "unknown field 'sourse' (did you mean 'source'?)",
                "unknown field 'ouputs' (did you mean 'outputs'?)");
        assertThat(bound.findings().get(1).path()).isEqualTo("jobs.j.plan[0].task(t).config");
    }

    @Test
    void unknownTopLevelKeysOnlyWarn() {
        ConfigBinder.Bound<PipelineConfig> bound = bind("jobs: []\nresorces: []\n");
        assertThat(bound.findings()).singleElement().satisfies(f -> {
            assertThat(f.isError()).isFalse();
            assertThat(f.message()).contains("'resorces'").contains("did you mean 'resources'?");
        });
    }

    // ---- types ----

    @Test
    void wrongTypesSayWhatWasExpected() {
        assertThat(errors("{get: [a, b]}")).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("invalid_type");
            assertThat(e.message()).isEqualTo("expected a string, not a list");
            assertThat(e.path()).isEqualTo("jobs.j.plan[0].get.get");
        });
        assertThat(errors("{get: x, trigger: maybe}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("expected true or false, not a string"));
        assertThat(errors("{get: x, passed: job-a}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("expected a list of strings, not a string"));
        assertThat(errors("{get: x, passed: [a, 1]}")).singleElement().satisfies(e -> {
            assertThat(e.path()).endsWith(".passed[1]");
            assertThat(e.message()).contains("quote it");
        });
        assertThat(errors("{task: t, file: f.yml, attempts: three}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("expected a whole number, not a string"));
        assertThat(errors("{task: t, file: f.yml, attempts: 1.5}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("expected a whole number, not a number"));
        assertThat(errors("{task: t, file: f.yml, attempts: 99999999999}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("too large"));
        assertThat(errors("{get: x, params: [1]}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("expected a mapping, not a list"));
        assertThat(errors("{get: x, version: {ref: 123}}")).singleElement().satisfies(e -> {
            assertThat(e.path()).endsWith(".version.ref");
            assertThat(e.message()).contains("quote it");
        });
        assertThat(errors("{task: t, file: f.yml, attempts: ((n))}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("'((n))' is a var").contains("-v"));
    }

    @Test
    void wrongTypesAtTheTopLevel() {
        ConfigBinder.Bound<PipelineConfig> bound = bind("jobs: {name: j}\nresources: [x]\n");
        assertThat(bound.findings()).extracting(ConfigFinding::message)
                .containsExactlyInAnyOrder("expected a list, not a mapping", "expected a mapping, not a string");
        assertThat(ConfigBinder.pipeline("test.yml", YamlComposer.compose("t", "[1]").root()).value()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"yes,true", "Yes,true", "YES,true", "y,true", "on,true", "On,true", "true,true", "True,true",
        "no,false", "No,false", "n,false", "off,false", "OFF,false", "false,false", "FALSE,false"})
    void yaml11BooleansInBooleanFields(String written, boolean expected) {
        GetStep get = (GetStep) step("{get: x, trigger: " + written + "}");
        assertThat(get.trigger()).isEqualTo(expected);
    }

    @Test
    void quotedYaml11BooleansAreStrings() {
        assertThat(errors("{get: x, trigger: \"yes\"}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("expected true or false, not a string"));
    }

    @Test
    void nullFieldsAreUnset() {
        GetStep get = (GetStep) step("{get: x, trigger: null, passed: ~, params: , version: null}");
        assertThat(get.trigger()).isFalse();
        assertThat(get.passed()).isEmpty();
        assertThat(get.params()).isEmpty();
        assertThat(get.version()).isNull();
    }

    // ---- container limits ----

    @ParameterizedTest
    @CsvSource({"1024,1024", "1KB,1024", "1kb,1024", "1K,1024", "1KiB,1024", "1Ki,1024", "2MB,2097152",
        "2MiB,2097152", "1GB,1073741824", "1gib,1073741824", "3G,3221225472", "0,0"})
    void memoryLimitUnits(String written, long bytes) {
        TaskStep task = (TaskStep) step("{task: t, file: f.yml, container_limits: {memory: " + written + "}}");
        assertThat(task.containerLimits().memory()).isEqualTo(bytes);
        assertThat(TaskConfigBinder.parseMemory(written)).isEqualTo(bytes);
    }

    @Test
    void badMemoryLimits() {
        for (String bad : List.of("1TB", "1.5GB", "-1", "lots", "1 GB", "99999999999999999999GB", "[1]")) {
            assertThat(errors("{task: t, file: f.yml, container_limits: {memory: " + bad + "}}")).as(bad)
                    .singleElement().satisfies(e -> {
                        assertThat(e.type()).isEqualTo("invalid_value");
                        assertThat(e.message()).contains("could not parse container memory limit");
                        assertThat(e.path()).endsWith("container_limits.memory");
                    });
        }
        assertThat(errors("{task: t, file: f.yml, container_limits: {cpu: lots}}")).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("cpu limit must be an integer"));
    }

    // ---- in_parallel, across ----

    @Test
    void inParallelBothForms() {
        InParallelStep list = (InParallelStep) step("{in_parallel: [{get: a}, {get: b}]}");
        assertThat(list.steps()).hasSize(2);
        assertThat(list.limit()).isZero();
        assertThat(list.failFast()).isFalse();

        InParallelStep config = (InParallelStep) step("{in_parallel: {steps: [{get: a}], limit: 3, fail_fast: true}}");
        assertThat(config.steps()).hasSize(1);
        assertThat(config.limit()).isEqualTo(3);
        assertThat(config.failFast()).isTrue();

        assertThat(errors("{in_parallel: {steps: [], limt: 2}}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("did you mean 'limit'?"));
        assertThat(errors("{in_parallel: {steps: [{gett: a}]}}")).singleElement()
                .satisfies(e -> assertThat(e.path()).isEqualTo("jobs.j.plan[0].in_parallel.steps[0]"));
    }

    @Test
    void acrossMaxInFlight() {
        AcrossStep all = (AcrossStep) step("{across: [{var: v, values: [1, 2], max_in_flight: all}], get: x}");
        assertThat(all.vars().get(0).maxInFlight()).isEqualTo(AcrossVar.MaxInFlight.ALL);
        assertThat(all.vars().get(0).maxInFlight().effectiveLimit(7)).isEqualTo(7);
        AcrossStep number = (AcrossStep) step("{across: [{var: v, values: [1], max_in_flight: 4}], get: x}");
        assertThat(number.vars().get(0).maxInFlight()).isEqualTo(AcrossVar.MaxInFlight.of(4));
        AcrossStep none = (AcrossStep) step("{across: [{var: v, values: ((vals))}], fail_fast: true, get: x}");
        assertThat(none.vars().get(0).maxInFlight()).isNull();
        assertThat(none.vars().get(0).values()).isEqualTo("((vals))");
        assertThat(none.failFast()).isTrue();

        assertThat(errors("{across: [{var: v, values: [1], max_in_flight: some}], get: x}")).singleElement()
                .satisfies(e -> {
                    assertThat(e.type()).isEqualTo("invalid_value");
                    assertThat(e.message()).isEqualTo("invalid max_in_flight \"some\": use a number or 'all'");
                });
        assertThat(errors("{across: [{var: v, valuse: [1]}], get: x}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("did you mean 'values'?"));
        assertThat(errors("{across: {var: v}, get: x}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("a list of {var, values, max_in_flight}"));
    }

    @Test
    void inputsAndVersionForms() {
        assertThat(errors("{put: x, inputs: some}")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("'all', 'detect' or a list"));
        assertThat(((PutStep) step("{put: x, inputs: [\" a \", b]}")).inputs().specified()).containsExactly("a", "b");
        ConfigBinder.Bound<PipelineConfig> oddVersion = bindStep("{get: x, version: newest}");
        assertThat(oddVersion.findings()).singleElement().satisfies(w -> {
            assertThat(w.isError()).isFalse();
            assertThat(w.message()).contains("'newest'");
        });
    }

    // ---- task configs ----

    @Test
    void taskConfigBinding() {
        ConfigBinder.Bound<TaskConfig> bound = ConfigBinder.task("task.yml", YamlComposer.compose("task.yml", """
                platform: linux
                run: {path: echo, args: [hi]}
                params: {N: 1, B: false, L: [1], M: {a: 1}, E: ~}
                inputs: [{name: in, optional: yes}, not-a-map]
                """).root());
        assertThat(bound.value().params()).containsEntry("N", "1").containsEntry("B", "false")
                .containsEntry("L", "[1]").containsEntry("M", "{\"a\":1}").containsEntry("E", "");
        assertThat(bound.value().inputs()).containsExactly(new TaskConfig.TaskInputConfig("in", null, true));
        assertThat(bound.findings()).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("inputs[1]"));

        ConfigBinder.Bound<TaskConfig> empty = ConfigBinder.task("task.yml", YamlComposer.compose("task.yml", "")
                .root());
        assertThat(empty.value()).isNull();
        assertThat(empty.findings()).singleElement().satisfies(e -> assertThat(e.message()).contains("empty"));
    }

    // ---- source index ----

    @Test
    void sourceIndexLocatesOwnersAndFields() {
        ConfigBinder.Bound<PipelineConfig> bound = bind("""
                resources:
                - name: repo
                  type: git
                  check_every: 10m
                jobs:
                - name: unit
                  plan:
                  - get: repo
                    passed: [a, b]
                  - task: t
                    file: repo/t.yml
                    attempts: 2
                    config:
                      platform: linux
                      run: {path: x}
                """);
        PipelineConfig config = bound.value();
        var index = bound.index();
        var resource = config.resources().get(0);
        JobConfig job = config.jobs().get(0);
        GetStep get = (GetStep) job.plan().get(0);
        RetryStep retry = (RetryStep) job.plan().get(1);
        TaskStep task = (TaskStep) retry.step();

        assertThat(index.file()).isEqualTo("test.yml");
        assertThat(index.locate(resource)).isEqualTo(loc(2, 3));
        assertThat(index.locate(resource, "check_every")).isEqualTo(loc(4, 16));
        assertThat(index.locate(job)).isEqualTo(loc(6, 3));
        assertThat(index.locate(job, "plan")).isEqualTo(loc(8, 3));
        assertThat(index.locate(get)).isEqualTo(loc(8, 5));
        assertThat(index.locate(get, "passed")).isEqualTo(loc(9, 13));
        assertThat(index.locate(get, "passed[1]")).isEqualTo(loc(9, 17));
        assertThat(index.locate(get, "passed[7]")).as("falls back to the field").isEqualTo(loc(9, 13));
        assertThat(index.locate(get, "nothing")).as("falls back to the owner").isEqualTo(loc(8, 5));
        assertThat(index.locate(retry, "attempts")).isEqualTo(loc(12, 15));
        assertThat(index.locate(task, "file")).isEqualTo(loc(11, 11));
        assertThat(index.locate(task.config())).isEqualTo(loc(14, 7));
        assertThat(index.locate(task.config(), "platform")).isEqualTo(loc(14, 17));
        assertThat(index.locate(task.config().run(), "path")).isEqualTo(loc(15, 19));
        assertThat(index.locate(config)).isEqualTo(loc(1, 1));
        assertThat(index.locate(new Object())).isEqualTo(SourceLocation.ofFile("test.yml"));
    }

    @Test
    void equalStepsInDifferentPlacesKeepTheirOwnLocations() {
        ConfigBinder.Bound<PipelineConfig> bound = bind("""
                jobs:
                - name: a
                  plan: [{get: x}]
                - name: b
                  plan: [{get: x}]
                """);
        Step first = bound.value().jobs().get(0).plan().get(0);
        Step second = bound.value().jobs().get(1).plan().get(0);
        assertThat(first).isEqualTo(second);
        assertThat(bound.index().locate(first).line()).isEqualTo(3);
        assertThat(bound.index().locate(second).line()).isEqualTo(5);
    }

    private static SourceLocation loc(int line, int column) {
        return new SourceLocation("test.yml", line, column);
    }

    // ---- did you mean ----

    @Test
    void didYouMeanDistance() {
        assertThat(DidYouMean.distance("ouputs", "outputs")).isEqualTo(1);
        assertThat(DidYouMean.distance("tirgger", "trigger")).isEqualTo(1);
        assertThat(DidYouMean.suggest("plan", List.of("plan"))).contains("'plan'");
        assertThat(DidYouMean.suggest("x", List.of("get", "put"))).isEmpty();
        assertThat(DidYouMean.suggest("a".repeat(100), List.of("get"))).isEmpty();
    }
}
