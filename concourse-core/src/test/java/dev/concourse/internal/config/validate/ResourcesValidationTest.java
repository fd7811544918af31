package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Fixtures.get;
import static dev.concourse.internal.config.validate.Fixtures.job;
import static dev.concourse.internal.config.validate.Fixtures.prototype;
import static dev.concourse.internal.config.validate.Fixtures.put;
import static dev.concourse.internal.config.validate.Fixtures.resource;
import static dev.concourse.internal.config.validate.Fixtures.resourceType;
import static dev.concourse.internal.config.validate.Fixtures.taskFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.DoStep;
import dev.concourse.config.HookKind;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.TryStep;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesValidationTest {

    private static Fixtures withResources() {
        Fixtures f = Fixtures.base();
        f.groups.clear();
        return f;
    }

    @Test
    void resourceWithoutName() {
        Fixtures f = withResources();
        f.resources.add(resource(null, "some-type"));

        assertThat(f.findings()).containsExactly(
                "error invalid_identifier resources[1]: identifier cannot be an empty string",
                "error missing_name resources[1]: has no name",
                "error unused_resource resources: resource '' is not used");
    }

    @Test
    void resourceWithoutType() {
        Fixtures f = withResources();
        f.resources.add(resource("bogus-resource", null));
        f.jobs.add(job("uses-it", get("bogus-resource")));

        assertThat(f.findings()).containsExactly("error missing_type resources.bogus-resource: has no type");
    }

    @Test
    void resourceWithoutNameOrType() {
        Fixtures f = withResources();
        f.resources.add(resource("", ""));

        assertThat(f.findings()).contains(
                "error missing_name resources[1]: has no name",
                "error missing_type resources[1]: has no type");
    }

    @Test
    void resourcesWithTheSameName() {
        Fixtures f = withResources();
        f.resources.add(resource("some-resource", "some-type"));

        assertThat(f.findings()).containsExactly(
                "error duplicate_name resources: resources[0] and resources[1] have the same name ('some-resource')");
    }

    @Test
    void resourceWithAnInvalidIdentifierIsAWarning() {
        Fixtures f = withResources();
        f.resources.add(resource("_some-resource", "some-type"));
        f.jobs.add(job("uses-it", get("_some-resource")));

        assertThat(f.findings()).containsExactly(
                "warning invalid_identifier resources._some-resource: '_some-resource' is not a valid identifier: "
                        + "must start with a lowercase letter or a number",
                "warning invalid_identifier jobs.uses-it.plan.do[0].get(_some-resource): '_some-resource' is not a "
                        + "valid identifier: must start with a lowercase letter or a number");
    }

    @Test
    void unusedResourcesAreErrors() {
        Fixtures f = new Fixtures();
        for (String name : List.of("unused-resource", "get", "get-alias", "resource", "put", "put-alias", "do",
                "parallel", "failure", "try")) {
            f.resources.add(resource(name, "some-type"));
        }
        f.jobs.add(job("some-job",
                get("get"),
                get("get-alias", "resource"),
                put("put"),
                put("put-alias", "resource"),
                new DoStep(List.of(get("do")), List.of()),
                new InParallelStep(List.of(get("parallel")), 1, true),
                new HookStep(taskFile("some-task", "t.yml"), HookKind.ON_FAILURE, get("failure")),
                new TryStep(get("try"))));

        assertThat(f.findings()).containsExactly(
                "error unused_resource resources: resource 'unused-resource' is not used",
                "error unused_resource resources: resource 'get-alias' is not used",
                "error unused_resource resources: resource 'put-alias' is not used");
    }

    @Test
    void resourceUsedOnlyInAJobHookIsUsed() {
        Fixtures f = withResources();
        f.resources.add(resource("notify", "slack"));
        f.jobs.set(1, new dev.concourse.config.JobConfig("some-empty-job", null, false, false, false, false, false,
                List.of(), 0, List.of(), 0, null, List.of(), null, null, null, null, put("notify")));

        assertThat(f.findings()).isEmpty();
    }

    @Test
    void checkEveryMustBeADurationOrNever() {
        Fixtures f = withResources();
        f.resources.set(0, resource("some-resource", "some-type", "10x", null));

        assertThat(f.findings()).containsExactly(
                "error invalid_duration resources.some-resource.check_every: time: unknown unit \"x\" in duration \"10x\"");

        f.resources.set(0, resource("some-resource", "some-type", "never", "((timeout))"));
        assertThat(f.findings()).isEmpty();
    }

    @Test
    void checkTimeoutMustBeADuration() {
        Fixtures f = withResources();
        f.resources.set(0, resource("some-resource", "some-type", "1m", "10"));

        assertThat(f.findings()).containsExactly(
                "error invalid_duration resources.some-resource.check_timeout: time: missing unit in duration \"10\"");
    }

    @Test
    void resourceTypeWithoutNameOrType() {
        Fixtures f = withResources();
        f.resourceTypes.add(resourceType(null, null));

        assertThat(f.findings()).containsExactly(
                "error invalid_identifier resource_types[1]: identifier cannot be an empty string",
                "error missing_name resource_types[1]: has no name",
                "error missing_type resource_types[1]: has no type");
    }

    @Test
    void resourceTypesWithTheSameName() {
        Fixtures f = withResources();
        f.resourceTypes.add(resourceType("some-resource-type", "other"));

        assertThat(f.findings()).containsExactly("error duplicate_name resource_types: "
                + "resource_types[0] and resource_types[1] have the same name ('some-resource-type')");
    }

    @Test
    void resourceTypeCheckEvery() {
        Fixtures f = withResources();
        f.resourceTypes.add(new dev.concourse.config.ResourceTypeConfig("slow", "registry-image", java.util.Map.of(),
                java.util.Map.of(), false, "1d", List.of(), java.util.Map.of()));

        assertThat(f.findings()).containsExactly(
                "error invalid_duration resource_types.slow.check_every: time: unknown unit \"d\" in duration \"1d\"");
    }

    @Test
    void prototypeWithoutType() {
        Fixtures f = withResources();
        f.prototypes.add(prototype("bogus-prototype", ""));

        assertThat(f.findings()).containsExactly("error missing_type prototypes.bogus-prototype: has no type");
    }

    @Test
    void prototypesWithTheSameName() {
        Fixtures f = withResources();
        f.prototypes.add(prototype("some-prototype", "some-type"));

        assertThat(f.findings()).containsExactly("error duplicate_name prototypes: "
                + "prototypes[0] and prototypes[1] have the same name ('some-prototype')");
    }

    @Test
    void prototypesShareTheirNamespaceWithResourceTypes() {
        Fixtures f = withResources();
        f.prototypes.add(prototype("some-resource-type", "some-type"));

        assertThat(f.findings()).containsExactly("error duplicate_name prototypes: "
                + "resource_types[0] and prototypes[1] have the same name ('some-resource-type')");
    }
}
