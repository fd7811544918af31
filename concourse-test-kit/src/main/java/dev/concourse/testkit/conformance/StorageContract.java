package dev.concourse.testkit.conformance;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.ResourceRef;
import dev.concourse.Team;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.VersionHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the resource and version groups of {@link StorageConformanceTests} share: the storage of
 * the running test and fixtures. Each group is a {@code @Nested} class of the kit that extends a
 * subclass of this one, so implementers still subclass the kit only.
 */
abstract class StorageContract {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    static final int THREADS = 8;

    private final Supplier<Storage> storage;

    StorageContract(Supplier<Storage> storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    Storage storage() {
        return storage.get();
    }

    PipelineStore pipelines() {
        return storage().pipelines();
    }

    BuildStore builds() {
        return storage().builds();
    }

    ResourceVersionStore versions() {
        return storage().versions();
    }

    VersionHistory history() {
        return storage().history();
    }

    void mainTeam() {
        storage().teams().createIfAbsent(Team.MAIN);
    }

    static PipelineRef ref(String name) {
        return PipelineRef.main(name);
    }

    static Version v(String value) {
        return Version.of("ver", value);
    }

    static List<Version> versionsOf(String... values) {
        return Arrays.stream(values).map(StorageContract::v).toList();
    }

    /** A git resource whose source names it. */
    static ResourceConfig resource(String name) {
        return resource(name, null, "git", "https://example.com/" + name + ".git", Map.of());
    }

    static ResourceConfig resource(String name, String oldName, String type, String uri, Map<String, String> version) {
        return new ResourceConfig(name, oldName, false, null, type, Map.of("uri", uri), null, null, List.of(), version,
                null, false);
    }

    static ResourceTypeConfig resourceType(String name, String repository) {
        return new ResourceTypeConfig(name, "registry-image", Map.of("repository", repository), Map.of(), false, null,
                List.of(), Map.of());
    }

    /**
     * A pipeline config with these jobs, resources and resource types. Stores take any config
     * record; the engine validates configs before it saves them.
     */
    static PipelineConfig pipelineConfig(List<String> jobs, List<ResourceConfig> resources,
            List<ResourceTypeConfig> types) {
        StringBuilder yaml = new StringBuilder("jobs:\n");
        for (String job : jobs) {
            yaml.append("- name: ").append(job).append("\n")
                    .append("  plan:\n")
                    .append("  - task: run\n")
                    .append("    config:\n")
                    .append("      platform: linux\n")
                    .append("      image_resource: {type: registry-image, source: {repository: busybox}}\n")
                    .append("      run: {path: \"true\"}\n");
        }
        List<JobConfig> jobConfigs = jobs.isEmpty() ? List.of()
                : PipelineLoader.create().load("conformance.yml", yaml.toString()).orThrow().jobs();
        return new PipelineConfig(null, null, resources, types, null, jobConfigs, null, null);
    }

    static PipelineConfig pipelineConfig(List<String> jobs, ResourceConfig... resources) {
        return pipelineConfig(jobs, List.of(resources), List.of());
    }

    Resource resourceOf(PipelineRef pipeline, String name) {
        ResourceRef ref = pipeline.resource(name);
        return pipelines().resource(ref).orElseThrow(() -> new AssertionError("no resource " + ref));
    }

    /**
     * A pipeline {@code p} with jobs and resources, each resource in a scope of its own and with
     * helpers to give it versions and to create builds that used and produced them.
     */
    final class Fixture {
        final Pipeline pipeline;

        Fixture(List<String> jobs, String... resources) {
            mainTeam();
            pipeline = pipelines().save(ref("p"), pipelineConfig(jobs,
                    Arrays.stream(resources).map(StorageContract::resource).toList(), List.of()), -1, false, T0);
            for (String resource : resources) {
                versions().assignScope(resource(resource), "scope:" + resource);
            }
        }

        long job(String name) {
            return pipelines().job(ref("p").job(name)).orElseThrow().id();
        }

        long resource(String name) {
            return resourceOf(ref("p"), name).id();
        }

        long scope(String resource) {
            return resourceOf(ref("p"), resource).scopeId();
        }

        /** Saves a check's result, oldest first. */
        void check(String resource, String... values) {
            versions().saveVersions(scope(resource), versionsOf(values), T0);
        }

        ResourceVersion version(String resource, String value) {
            return versions().find(scope(resource), v(value))
                    .orElseThrow(() -> new AssertionError("no version " + value + " of " + resource));
        }

        long versionId(String resource, String value) {
            return version(resource, value).id();
        }

        BuildSpec build(String job) {
            return new BuildSpec(job(job), 0);
        }

        BuildSpec rerun(String job, long rerunOf) {
            return new BuildSpec(job(job), rerunOf);
        }
    }

    /** A job build to create: its inputs, outputs and pipes, then how it ends. */
    final class BuildSpec {
        private final long jobId;
        private final long rerunOf;
        private final Map<String, BuildInput> inputs = new LinkedHashMap<>();
        private final List<BuildOutput> outputs = new ArrayList<>();
        private final List<Long> pipedFrom = new ArrayList<>();

        BuildSpec(long jobId, long rerunOf) {
            this.jobId = jobId;
            this.rerunOf = rerunOf;
        }

        /** An input named after its resource. */
        BuildSpec input(Fixture fixture, String resource, String value) {
            return input(fixture, resource, resource, value);
        }

        BuildSpec input(Fixture fixture, String name, String resource, String value) {
            inputs.put(name, new BuildInput(name, fixture.resource(resource), fixture.versionId(resource, value),
                    false));
            return this;
        }

        BuildSpec output(Fixture fixture, String resource, String value) {
            outputs.add(new BuildOutput(resource, fixture.resource(resource), fixture.versionId(resource, value)));
            return this;
        }

        BuildSpec pipedFrom(long... buildIds) {
            Arrays.stream(buildIds).forEach(pipedFrom::add);
            return this;
        }

        /** Creates it with its inputs, pipes and outputs, leaving it pending. */
        Build pending() {
            Build build = builds().createJobBuild(jobId, rerunOf != 0, rerunOf, T0);
            builds().saveInputs(build.id(), List.copyOf(inputs.values()), pipedFrom);
            if (!outputs.isEmpty()) {
                builds().saveOutputs(build.id(), outputs);
            }
            return build;
        }

        Build finish(BuildStatus status) {
            Build build = pending();
            return builds().finish(build.id(), status, T0).orElseThrow();
        }

        Build succeed() {
            return finish(BuildStatus.SUCCEEDED);
        }
    }

    static BuildCursor cursor(Build build, long jobId) {
        return new BuildCursor(build.id(), jobId, build.rerunOf());
    }
}
