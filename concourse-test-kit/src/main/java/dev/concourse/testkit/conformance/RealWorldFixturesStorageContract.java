package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.concourse.JobPreparation;
import dev.concourse.PipelineEngine;
import dev.concourse.Resource;
import dev.concourse.config.GetStep;
import dev.concourse.config.Step;
import dev.concourse.config.VersionConfig;
import dev.concourse.spi.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concourse's regression cases over the store: real pipelines' version histories, and the versions
 * Concourse resolves for a new job {@code current}. The histories are Concourse's
 * {@code atc/scheduler/algorithm/testdata} exports (gzipped JSON, 3.7 MB together), not part of
 * this jar: the directory comes from the system property {@value #DIRECTORY_PROPERTY} or the
 * environment variable {@value #DIRECTORY_ENV}, else {@value #DEFAULT_DIRECTORY}; without it the
 * tests are skipped, except in CI ({@code CI=true}) when the property or variable names a
 * directory that is missing. The two small histories always run; the three large ones (50,000 to
 * 130,000 build rows each, minutes on a database) run when the system property
 * {@value #LARGE_PROPERTY} is {@code true}.
 */
abstract class RealWorldFixturesStorageContract extends StorageContract {
    static final String DIRECTORY_PROPERTY = "concourse.testkit.algorithmFixtures";
    static final String DIRECTORY_ENV = "CONCOURSE_ALGORITHM_FIXTURES";
    static final String DEFAULT_DIRECTORY = "/work/shared/fixtures/concourse-algorithm";
    static final String LARGE_PROPERTY = "concourse.testkit.largeAlgorithmFixtures";

    RealWorldFixturesStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    /** One input of {@code current}: name, resource, passed jobs. */
    record In(String name, String resource, List<String> passed) {
        static In of(String name, String resource, String... passed) {
            return new In(name, resource, List.of(passed));
        }
    }

    static Stream<Arguments> fixtures() {
        List<String> acceptance = List.of("aws-acceptance-tests", "bosh-lite-acceptance-tests",
                "vsphere-acceptance-tests");
        List<In> relint = new ArrayList<>(List.of(
                In.of("runtime-ci", "runtime-ci"),
                In.of("diego-cf-compatibility", "diego-cf-compatibility"),
                In.of("cf-release", "cf-release-develop", "bosh-lite-acceptance-tests", "aws-acceptance-tests",
                        "vsphere-acceptance-tests"),
                In.of("bosh-lite", "bosh-lite", "bosh-lite-acceptance-tests"),
                In.of("bosh-lite-stemcell", "bosh-lite-stemcell", "bosh-lite-acceptance-tests"),
                In.of("vsphere-stemcell", "vsphere-stemcell", "vsphere-acceptance-tests"),
                In.of("aws-stemcell", "aws-stemcell", "aws-acceptance-tests")));
        for (String tarball : List.of("diego-release-tarball", "garden-linux-release-tarball", "etcd-release-tarball",
                "cflinuxfs2-rootfs-release-tarball")) {
            relint.add(new In(tarball, tarball, acceptance));
        }
        relint.addAll(List.of(
                In.of("vsphere-director-version", "vsphere-director-version", "vsphere-acceptance-tests"),
                In.of("vsphere-build-url", "vsphere-build-url", "vsphere-acceptance-tests"),
                In.of("aws-director-version", "aws-director-version", "aws-acceptance-tests"),
                In.of("aws-build-url", "aws-build-url", "aws-acceptance-tests"),
                In.of("bosh-lite-director-version", "bosh-lite-director-version", "bosh-lite-acceptance-tests"),
                In.of("bosh-lite-build-url", "bosh-lite-build-url", "bosh-lite-acceptance-tests")));
        List<Arguments> all = new ArrayList<>(List.of(
                Arguments.of("booklit", List.of(In.of("booklit", "booklit", "unit")),
                        Map.of("booklit", "r1v26528")),
                Arguments.of("bosh-versions", List.of(
                        In.of("bosh-src", "bosh-src", "unit-1.9", "unit-2.1", "integration-2.1-mysql",
                                "integration-1.9-postgres", "integration-2.1-postgres"),
                        In.of("bosh-load-tests", "bosh-load-tests")),
                        Map.of("bosh-src", "r88v9814", "bosh-load-tests", "r89v7204"))));
        if (Boolean.getBoolean(LARGE_PROPERTY)) {
            all.addAll(List.of(
                    Arguments.of("hush-house-6", List.of(In.of("rc-image", "rc-image", "frp-deps", "gin-deps",
                            "etcd-deps", "hugo-deps", "caddy-deps", "gitea-deps", "guardian-deps", "concourse-deps",
                            "syncthing-deps", "kubernetes-deps", "prometheus-deps", "sourcegraph-deps",
                            "concourse-cf-resource-deps", "concourse-s3-resource-deps",
                            "concourse-mock-resource-deps", "concourse-pool-resource-deps",
                            "concourse-time-resource-deps", "concourse-semver-resource-deps",
                            "concourse-tracker-resource-deps", "concourse-docker-image-resource-deps",
                            "concourse-datadog-event-resource-deps", "concourse-github-release-resource-deps",
                            "concourse-registry-image-resource-deps", "concourse-bosh-io-stemcell-resource-deps",
                            "concourse-concourse-pipeline-resource-deps")),
                            Map.of("rc-image", "r31481v804095")),
                    Arguments.of("concourse-versions-high-cpu-deploy", List.of(
                            In.of("concourse", "concourse", "testflight", "bin-testflight"),
                            In.of("version", "version", "testflight", "bin-testflight"),
                            In.of("candidate-release", "candidate-release", "testflight"),
                            In.of("garden-linux-release", "garden-linux", "testflight"),
                            In.of("bin-rc", "bin-rc", "bin-testflight"),
                            In.of("bosh-stemcell", "aws-stemcell"),
                            In.of("deployments", "deployments")),
                            Map.of("candidate-release", "r238v448886", "deployments", "r45v448469",
                                    "bosh-stemcell", "r48v443997", "bin-rc", "r765v448889",
                                    "garden-linux-release", "r17v443811", "version", "r12v448884",
                                    "concourse", "r62v448881")),
                    Arguments.of("relint-versions-2", relint, Map.ofEntries(
                            Map.entry("bosh-lite-stemcell", "r481v115766"),
                            Map.entry("bosh-lite-build-url", "r678v147165"),
                            Map.entry("vsphere-director-version", "r682v147119"),
                            Map.entry("bosh-lite-director-version", "r681v147130"),
                            Map.entry("bosh-lite", "r480v140408"),
                            Map.entry("runtime-ci", "r494v147631"),
                            Map.entry("garden-linux-release-tarball", "r477v132094"),
                            Map.entry("etcd-release-tarball", "r478v142504"),
                            Map.entry("diego-release-tarball", "r696v143482"),
                            Map.entry("aws-stemcell", "r482v146776"),
                            Map.entry("vsphere-build-url", "r679v147136"),
                            Map.entry("aws-build-url", "r677v147123"),
                            Map.entry("aws-director-version", "r680v147110"),
                            Map.entry("diego-cf-compatibility", "r475v147167"),
                            Map.entry("cflinuxfs2-rootfs-release-tarball", "r479v146681"),
                            Map.entry("cf-release", "r470v147078"),
                            Map.entry("vsphere-stemcell", "r484v146782")))));
        }
        return all.stream();
    }

    private static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY, System.getenv(DIRECTORY_ENV));
        Path directory = Path.of(configured == null || configured.isBlank() ? DEFAULT_DIRECTORY : configured);
        if (!Files.isDirectory(directory)) {
            String why = "no real-world version histories at " + directory + " (set " + DIRECTORY_PROPERTY + " or "
                    + DIRECTORY_ENV + " to the folder of Concourse's atc/scheduler/algorithm/testdata exports)";
            if (configured != null && !configured.isBlank() && "true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        return directory;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.concourse.testkit.conformance.RealWorldFixturesStorageContract#fixtures")
    void resolvesWhatConcourseResolves(String fixture, List<In> inputs, Map<String, String> expected) {
        Path file = directory().resolve(fixture + ".json.gz");
        assertThat(file).as("history of %s", fixture).isRegularFile();
        List<Step> gets = inputs.stream().<Step>map(in -> new GetStep(in.name(), in.resource(), VersionConfig.LATEST,
                null, in.passed(), false, null, null)).toList();
        FixtureHistory history = FixtureHistory.load(file, storage(), gets);

        JobPreparation preparation;
        try (PipelineEngine engine = PipelineEngine.builder().storage(storage()).build()) {
            preparation = engine.jobs().preparation(FixtureHistory.PIPELINE.job(FixtureHistory.CURRENT_JOB));
        }
        Map<String, Long> resourceIds = new LinkedHashMap<>();
        for (Resource resource : pipelines().resources(pipelines().find(FixtureHistory.PIPELINE).orElseThrow()
                .id())) {
            resourceIds.put(resource.ref().name(), resource.id());
        }
        Map<String, String> actual = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (JobPreparation.Input input : preparation.inputs()) {
            if (input.satisfied()) {
                actual.put(input.name(), history.versionName(resourceIds.get(input.resource()), input.version()));
            } else {
                errors.put(input.name(), input.reason());
            }
        }
        assertThat(errors).as("inputs of current in %s that resolved no version", fixture).isEmpty();
        assertThat(actual).as("versions of current's inputs in %s", fixture).isEqualTo(expected);
    }
}
