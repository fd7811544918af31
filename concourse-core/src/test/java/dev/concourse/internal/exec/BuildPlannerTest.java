package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildPlan;
import dev.concourse.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
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
