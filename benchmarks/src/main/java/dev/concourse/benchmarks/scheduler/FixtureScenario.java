package dev.concourse.benchmarks.scheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real-world scenarios of {@code /work/shared/fixtures/concourse-algorithm/README.md}: a new
 * job {@code current} asks for these inputs over the fixture's history, and Concourse resolves
 * the versions given (named {@code r<ResourceID>v<VersionID>} in the fixture's ids). Same table as
 * core's {@code RealWorldFixturesTest}.
 */
public enum FixtureScenario {
    BOOKLIT("booklit", List.of(In.of("booklit", "booklit", "unit")), Map.of("booklit", "r1v26528")),
    HUSH_HOUSE_RC_IMAGE("hush-house-6", List.of(In.of("rc-image", "rc-image", "frp-deps", "gin-deps",
            "etcd-deps", "hugo-deps", "caddy-deps", "gitea-deps", "guardian-deps", "concourse-deps",
            "syncthing-deps", "kubernetes-deps", "prometheus-deps", "sourcegraph-deps",
            "concourse-cf-resource-deps", "concourse-s3-resource-deps", "concourse-mock-resource-deps",
            "concourse-pool-resource-deps", "concourse-time-resource-deps",
            "concourse-semver-resource-deps", "concourse-tracker-resource-deps",
            "concourse-docker-image-resource-deps", "concourse-datadog-event-resource-deps",
            "concourse-github-release-resource-deps", "concourse-registry-image-resource-deps",
            "concourse-bosh-io-stemcell-resource-deps", "concourse-concourse-pipeline-resource-deps")),
            Map.of("rc-image", "r31481v804095")),
    BOSH_VERSIONS("bosh-versions", List.of(
            In.of("bosh-src", "bosh-src", "unit-1.9", "unit-2.1", "integration-2.1-mysql",
                    "integration-1.9-postgres", "integration-2.1-postgres"),
            In.of("bosh-load-tests", "bosh-load-tests")),
            Map.of("bosh-src", "r88v9814", "bosh-load-tests", "r89v7204")),
    CONCOURSE_HIGH_CPU_DEPLOY("concourse-versions-high-cpu-deploy", List.of(
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
    RELINT("relint-versions-2", relintInputs(), Map.ofEntries(
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
            Map.entry("vsphere-stemcell", "r484v146782")));

    /** Where the fixtures are: {@code -Dconcourse.fixtures=DIR} or the shared folder. */
    public static final String FIXTURES_PROPERTY = "concourse.fixtures";
    private static final String DEFAULT_FIXTURES = "/work/shared/fixtures/concourse-algorithm";

    private final String file;
    private final List<In> inputs;
    private final Map<String, String> expected;

    FixtureScenario(String file, List<In> inputs, Map<String, String> expected) {
        this.file = file;
        this.inputs = inputs;
        this.expected = expected;
    }

    /** One input of {@code current}: name, resource, passed jobs. */
    public record In(String name, String resource, List<String> passed) {
        static In of(String name, String resource, String... passed) {
            return new In(name, resource, List.of(passed));
        }
    }

    public List<In> inputs() {
        return inputs;
    }

    /** Input name to the version Concourse resolves, {@code r<ResourceID>v<VersionID>}. */
    public Map<String, String> expected() {
        return expected;
    }

    /** The gzipped history of this scenario; fails naming the folder when it is missing. */
    public Path file() {
        Path dir = Path.of(System.getProperty(FIXTURES_PROPERTY, DEFAULT_FIXTURES));
        Path path = dir.resolve(file + ".json.gz");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("fixture " + path + " is missing: point -D" + FIXTURES_PROPERTY
                    + " at the folder holding the concourse-algorithm fixtures");
        }
        return path;
    }

    private static List<In> relintInputs() {
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
        return List.copyOf(relint);
    }
}
