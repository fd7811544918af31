package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildPlan;
import dev.concourse.config.GetStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildPlannerTest {

    @Test
    void idsAreHexCountersAssignedChildrenFirstAsInConcourse() {
        JobConfig job = Jobs.plan("""
                - get: repo
                - in_parallel:
                  - task: a
                    file: repo/a.yml
                  - task: b
                    file: repo/b.yml
                - task: c
                  file: repo/c.yml
                  attempts: 2
                """);

        BuildPlan plan = BuildPlanner.describe(BuildPlanner.plan(job.asStep()));

        assertThat(render(plan)).isEqualTo(
                "8:do[1:get(repo), 4:in_parallel[2:task(a), 3:task(b)], 7:retry[5:task(c), 6:task(c)]]");
    }

    @Test
    void sameConfigGivesSameIds() {
        JobConfig job = Jobs.plan("""
                - task: a
                  file: x/a.yml
                """);

        assertThat(BuildPlanner.describe(BuildPlanner.plan(job.asStep())))
                .isEqualTo(BuildPlanner.describe(BuildPlanner.plan(job.asStep())));
    }

    @Test
    void jobHooksWrapThePlanWithEnsureOutermost() {
        JobConfig job = Jobs.job("""
                jobs:
                - name: j
                  plan:
                  - task: t
                    file: x/t.yml
                  on_success: {task: s, file: x/s.yml}
                  on_failure: {task: f, file: x/f.yml}
                  on_abort: {task: a, file: x/a.yml}
                  on_error: {task: e, file: x/e.yml}
                  ensure: {task: n, file: x/n.yml}
                """);

        assertThat(render(BuildPlanner.describe(BuildPlanner.plan(job.asStep())))).isEqualTo(
                "c:ensure[a:on_error[8:on_abort[6:on_failure[4:on_success[2:do[1:task(t)], 3:task(s)], 5:task(f)],"
                        + " 7:task(a)], 9:task(e)], b:task(n)]");
    }

    @Test
    void aPutPlansItsImplicitGetAsOnSuccessUnlessNoGet() {
        JobConfig job = Jobs.plan("""
                - put: out
                - put: quiet
                  no_get: true
                """);

        assertThat(render(BuildPlanner.describe(BuildPlanner.plan(job.asStep()))))
                .isEqualTo("5:do[3:on_success[1:put(out), 2:get(out)], 4:put(quiet)]");
    }

    @Test
    void theImplicitGetIsMadeFromItsPutAndFetchesWhatThePutCreatedAlsoInAcrossSubsteps() {
        JobConfig job = Jobs.plan("""
                - put: out
                  resource: releases
                  params: {version: "1"}
                  get_params: {skip_download: true}
                  tags: [big]
                  timeout: 5m
                """);

        PlanNode.Hook hook = (PlanNode.Hook) ((PlanNode.Do) BuildPlanner.plan(job.asStep()).root()).steps().getFirst();

        PlanNode.Put put = (PlanNode.Put) hook.step();
        PlanNode.Get get = (PlanNode.Get) hook.hook();
        assertThat(get.versionFrom()).isEqualTo(put.id()).isEqualTo("1");
        assertThat(get.step()).isEqualTo(new GetStep("out", "releases", null, Map.of("skip_download", true), List.of(),
                false, List.of("big"), "5m"));
        assertThat(get.tags()).containsExactly("big");

        PlanNode.Hook substep = (PlanNode.Hook) BuildPlanner.planSubstep(job.plan().getFirst(), List.of(), "9", 2);
        assertThat(substep.id()).isEqualTo("9/2/0");
        assertThat(substep.step().id()).isEqualTo("9/2/1");
        assertThat(((PlanNode.Get) substep.hook()).versionFrom()).isEqualTo("9/2/1");
    }

    @Test
    void modifiersAndCompositesHaveTheirKinds() {
        JobConfig job = Jobs.plan("""
                - try:
                    task: t
                    file: x/t.yml
                - do:
                  - load_var: v
                    file: x/v.json
                  timeout: 1m
                - set_pipeline: p
                  file: x/p.yml
                - task: each
                  file: x/each.yml
                  across:
                  - var: n
                    values: [1, 2]
                """);

        assertThat(render(BuildPlanner.describe(BuildPlanner.plan(job.asStep())))).isEqualTo(
                "9:do[2:try[1:task(t)], 5:timeout[4:do[3:load_var(v)]], 6:set_pipeline(p), 8:across[7:task(each)]]");
    }

    @Test
    void acrossSubstepsAreNumberedParentsFirstUnderTheAcrossIdAsInConcourse() {
        JobConfig job = Jobs.plan("""
                - across:
                  - var: os
                    values: [linux]
                  do:
                  - task: build-((.:os))
                    file: x/t.yml
                    attempts: 2
                  - try:
                      task: test
                      file: x/t.yml
                  on_failure:
                    task: report
                    file: x/r.yml
                """);
        PlanNode.Do root = (PlanNode.Do) BuildPlanner.plan(job.asStep()).root();
        PlanNode.Hook hook = (PlanNode.Hook) root.steps().getFirst();
        PlanNode.Across across = (PlanNode.Across) hook.step();
        Step substep = StepTemplates.withValues(across.step().step(), java.util.Map.of("os", "linux"));

        PlanNode planned = BuildPlanner.planSubstep(substep, List.of(), across.id(), 3);

        assertThat(render(BuildPlanner.describe(planned))).isEqualTo(across.id() + "/3/0:do["
                + across.id() + "/3/1:retry[" + across.id() + "/3/2:task(build-linux), " + across.id()
                + "/3/3:task(build-linux)], " + across.id() + "/3/4:try[" + across.id() + "/3/5:task(test)]]");
    }

    @Test
    void theCartesianProductVariesTheLastVarFastest() {
        assertThat(AcrossExecution.cartesianProduct(List.of(List.of("a1", "a2"), List.of("b1"), List.of("c1", "c2"))))
                .containsExactly(List.of("a1", "b1", "c1"), List.of("a1", "b1", "c2"), List.of("a2", "b1", "c1"),
                        List.of("a2", "b1", "c2"));
        assertThat(AcrossExecution.cartesianProduct(List.of(List.of("a"), List.of()))).isEmpty();
    }

    @Test
    void stepsWithoutTagsInheritTheNearestTagsAndOwnTagsWin() {
        JobConfig job = Jobs.job("""
                jobs:
                - name: j
                  plan:
                  - task: job-tags
                    file: x/t.yml
                  - do:
                    - task: do-tags
                      file: x/t.yml
                    - task: own-tags
                      file: x/t.yml
                      tags: [own]
                    tags: [inner]
                """);
        List<String> jobTags = List.of("outer");

        PlanNode.Do root = (PlanNode.Do) BuildPlanner.plan(job.asStep(), jobTags).root();
        PlanNode.Do inner = (PlanNode.Do) root.steps().get(1);

        assertThat(((PlanNode.Task) root.steps().get(0)).tags()).containsExactly("outer");
        assertThat(((PlanNode.Task) inner.steps().get(0)).tags()).containsExactly("inner");
        assertThat(((PlanNode.Task) inner.steps().get(1)).tags()).containsExactly("own");
    }

    /** {@code id:kind(name)[children]}, ids in hex. */
    static String render(BuildPlan plan) {
        StringBuilder out = new StringBuilder(plan.id()).append(':').append(plan.kind());
        if (plan.name() != null) {
            out.append('(').append(plan.name()).append(')');
        }
        if (!plan.children().isEmpty()) {
            List<String> children = new ArrayList<>();
            plan.children().forEach(c -> children.add(render(c)));
            out.append('[').append(String.join(", ", children)).append(']');
        }
        return out.toString();
    }
}
