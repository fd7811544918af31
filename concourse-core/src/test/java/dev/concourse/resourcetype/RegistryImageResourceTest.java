package dev.concourse.resourcetype;

import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.internal.runtime.tar.TestLayer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RegistryImageResource} against a {@link TestRegistry} on the loopback interface. */
class RegistryImageResourceTest {
    private static final byte[] BUSYBOX = "not really busybox, but bytes to compare\n".getBytes(StandardCharsets.UTF_8);

    private final TestRegistry registry = new TestRegistry();
    private final RegistryImageResource type = new RegistryImageResource();

    @TempDir
    Path work;

    @AfterEach
    void stop() {
        registry.close();
    }

    private Map<String, Object> source(String repository) {
        return Map.of("repository", registry.host() + "/" + repository);
    }

    @Test
    void checkFindsTheDigestTheTagPointsTo() {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "1.36", BUSYBOX);

        List<Version> versions = type.check(ResourceRequest.of(Map.of("repository", registry.host() + "/busybox",
                "tag", "1.36"), null));

        assertThat(versions).containsExactly(new Version(Map.of("tag", "1.36", "digest", pushed.index())));
    }

    @Test
    void checkOfAMovedTagGivesTheOldVersionFirstThenTheNewOne() {
        TestImages.Pushed old = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        TestImages.Pushed moved = TestImages.pushBusybox(registry, "busybox", "latest",
                "newer bytes\n".getBytes(StandardCharsets.UTF_8));
        Version from = new Version(Map.of("tag", "latest", "digest", old.index()));

        Map<String, Object> latest = Map.of("repository", registry.host() + "/busybox", "tag", "latest");

        List<Version> versions = type.check(ResourceRequest.of(latest, from));

        assertThat(moved.index()).isNotEqualTo(old.index());
        assertThat(versions).containsExactly(from, new Version(Map.of("tag", "latest", "digest", moved.index())));
        assertThat(type.check(ResourceRequest.of(latest, versions.getLast()))).containsExactly(versions.getLast());
    }

    @Test
    void checkOfATagTheRepositoryDoesNotHaveFindsNothing() {
        TestImages.pushBusybox(registry, "busybox", "1.36", BUSYBOX);

        assertThat(type.check(ResourceRequest.of(Map.of("repository", registry.host() + "/busybox", "tag", "9.99"),
                null))).isEmpty();
        assertThat(type.check(ResourceRequest.of(Map.of("repository", registry.host() + "/nothing-here", "tag",
                "latest"), null))).isEmpty();
        assertThatThrownBy(() -> type.check(ResourceRequest.of(source("nothing-here"), null)))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("/nothing-here does not exist");
    }

    @Test
    void withoutATagACheckFindsTheSemverTagsOnePerDigestThenLatestAsTheGoResourceDoes() {
        String a = TestImages.pushBusybox(registry, "app", "1.0.0", bytes("a")).index();
        String b = TestImages.pushBusybox(registry, "app", "1.1.0", bytes("b")).index();
        String alpine = TestImages.pushBusybox(registry, "app", "1.1.0-alpine", bytes("c")).index();
        String rc = TestImages.pushBusybox(registry, "app", "2.0.0-rc.1", bytes("d")).index();
        String edge = TestImages.pushBusybox(registry, "app", "latest", bytes("e")).index();
        for (String alias : List.of("1.0", "1", "v0.9")) {
            registry.tag("app", alias, a);
        }
        registry.tag("app", "1.1.0-rc.2", b);
        registry.tag("app", "not-a-version", b);
        Map<String, Object> source = source("app");

        assertThat(type.check(ResourceRequest.of(source, null))).containsExactly(version("1.0.0", a),
                version("1.1.0", b), version("latest", edge));
        Map<String, Object> withPreReleases = Map.of("repository", registry.host() + "/app", "pre_releases", true);
        assertThat(type.check(ResourceRequest.of(withPreReleases, null))).containsExactly(version("1.0.0", a),
                version("1.1.0", b), version("2.0.0-rc.1", rc), version("latest", edge));
        Map<String, Object> variant = Map.of("repository", registry.host() + "/app", "variant", "alpine");
        assertThat(type.check(ResourceRequest.of(variant, null))).containsExactly(version("1.1.0-alpine", alpine));

        registry.tag("app", "latest", b);
        int before = registry.requests().size();
        assertThat(type.check(ResourceRequest.of(source, version("1.1.0", b)))).containsExactly(version("1.1.0", b));
        assertThat(registry.requests().subList(before, registry.requests().size()))
                .as("older tags than the version checked from are not looked up")
                .noneMatch(r -> r.contains("/manifests/1.0"));
    }

    @Test
    void withTagRegexACheckFindsTheMatchingTagsInListOrderOrByCreation() {
        String older = registry.image("re", "build-2", TestRegistry.DOCKER_MANIFEST, registry.blob(
                "application/vnd.docker.container.image.v1+json", bytes("{\"created\":\"2024-05-01T10:00:00Z\"}")),
                List.of());
        String newer = registry.image("re", "build-10", TestRegistry.DOCKER_MANIFEST, registry.blob(
                "application/vnd.docker.container.image.v1+json",
                bytes("{\"created\":\"2024-06-01T10:00:00.123456789Z\"}")), List.of());
        registry.tag("re", "release", newer);
        Map<String, Object> regex = Map.of("repository", registry.host() + "/re", "tag_regex", "^build-[0-9]+$");

        assertThat(type.check(ResourceRequest.of(regex, null))).containsExactly(version("build-10", newer),
                version("build-2", older));
        Map<String, Object> byCreation = Map.of("repository", registry.host() + "/re", "tag_regex", "build",
                "created_at_sort", true);
        assertThat(type.check(ResourceRequest.of(byCreation, null))).containsExactly(version("build-2", older),
                version("build-10", newer));
    }

    private static Version version(String tag, String digest) {
        return new Version(Map.of("tag", tag, "digest", digest));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void getAppliesTheLayersOfThisPlatformsImageWithWhiteoutsLinksModesAndOwners() throws IOException {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        Version version = new Version(Map.of("tag", "latest", "digest", pushed.index()));
        Path dir = Files.createDirectories(work.resolve("get"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        ResourceResult result = type.get(request(source("busybox"), Map.of(), version, log), dir);

        assertThat(result.version()).isEqualTo(version);
        assertThat(result.metadata()).containsExactly(new MetadataField("repository", registry.host() + "/busybox"),
                new MetadataField("tag", "latest"));
        Path rootfs = dir.resolve("rootfs");
        assertThat(rootfs.resolve("bin/busybox")).hasBinaryContent(BUSYBOX);
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(Files.isSameFile(rootfs.resolve("bin/busybox"), rootfs.resolve("bin/busybox-hardlink"))).isTrue();
        assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh-hardlink"))).isEqualTo(Path.of("busybox"));
        assertThat(rootfs.resolve("etc/removed-later")).doesNotExist();
        assertThat(rootfs.resolve("etc/motd")).hasContent("layer 2");
        assertThat(rootfs.resolve("etc/passwd")).exists();
        assertThat(rootfs.resolve("var/old/stale")).doesNotExist();
        assertThat(rootfs.resolve("var/old/fresh")).hasContent("layer 2");
        assertThat(rootfs.resolve("var/old/.wh..wh..opq")).doesNotExist();
        assertThat(mode(rootfs.resolve("tmp"))).isEqualTo(01777);
        assertThat(mode(rootfs.resolve("bin/busybox"))).isEqualTo(0755);
        assertThat(mode(rootfs.resolve("proc"))).isEqualTo(0555);
        int uid = (Integer) Files.getAttribute(rootfs.resolve("home/user/owned"), "unix:uid", LinkOption.NOFOLLOW_LINKS);
        assertThat(uid).isEqualTo(runningAsRoot() ? 1000 : (Integer) Files.getAttribute(dir, "unix:uid"));
        assertThat(dir.resolve("metadata.json")).content().contains("\"GREETING=hello from the registry\"")
                .contains("\"user\":\"\"").contains("\"cmd\":[\"sh\"]");
        assertThat(dir.resolve("labels.json")).hasContent("{\"org.opencontainers.image.title\":\"busybox\"}");
        assertThat(dir.resolve("tag")).hasContent("latest");
        assertThat(dir.resolve("digest")).hasContent(pushed.index());
        assertThat(dir.resolve("repository")).hasContent(registry.host() + "/busybox");
        assertThat(dir.resolve(".registry-image-layer")).doesNotExist();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("fetching " + registry.host() + "/busybox@"
                + pushed.index()).contains("layer 2/2 " + pushed.layers().get(1));
        // blobs came through the registry's redirect to its storage
        assertThat(registry.requests()).contains("GET /storage/" + pushed.layers().getFirst());
    }

    @Test
    void getOfTheOtherPlatformTakesItsImageAndAnUnknownPlatformIsAnError() throws IOException {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        Version version = new Version(Map.of("tag", "latest", "digest", pushed.index()));
        String[] other = pushed.otherPlatform().split("/");
        Path dir = Files.createDirectories(work.resolve("other"));

        type.get(request(Map.of("repository", registry.host() + "/busybox", "platform", Map.of("os", other[0],
                "architecture", other[1])), Map.of(), version, new ByteArrayOutputStream()), dir);

        assertThat(dir.resolve("metadata.json")).content().contains("GREETING=wrong platform");
        assertThatThrownBy(() -> type.get(request(source("busybox"), Map.of("platform", Map.of("architecture",
                "mips64")), version, new ByteArrayOutputStream()), Files.createDirectories(work.resolve("mips"))))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("has no image for the platform linux/mips64")
                .hasMessageContaining(pushed.otherPlatform());
    }

    @Test
    void getOfAnImageManifestWithoutAnIndexAndWithoutAVersionChecksTheTagFirst() throws IOException {
        String config = registry.blob("application/vnd.docker.container.image.v1+json",
                "{\"config\":{\"Env\":[\"A=b\"],\"User\":\"1000:1000\"}}".getBytes(StandardCharsets.UTF_8));
        String digest = registry.image("plain", "v1", TestRegistry.DOCKER_MANIFEST, config, List.of(
                registry.blob("application/vnd.docker.image.rootfs.diff.tar",
                        new TestLayer().file("hello", 0644, "plain tar\n").tar())));
        Path dir = Files.createDirectories(work.resolve("plain"));

        ResourceResult result = type.get(request(Map.of("repository", registry.host() + "/plain", "tag", "v1"),
                Map.of(), null, new ByteArrayOutputStream()), dir);

        assertThat(result.version()).isEqualTo(new Version(Map.of("tag", "v1", "digest", digest)));
        assertThat(dir.resolve("rootfs/hello")).hasContent("plain tar");
        assertThat(dir.resolve("metadata.json")).content().contains("\"env\":[\"A=b\"]")
                .contains("\"user\":\"1000:1000\"");
    }

    @Test
    void formatOciWritesTheImageAsDockerSaveDoes() throws IOException {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        Path dir = Files.createDirectories(work.resolve("oci"));

        type.get(request(source("busybox"), Map.of("format", "oci"), new Version(Map.of("tag", "latest", "digest",
                pushed.index())), new ByteArrayOutputStream()), dir);

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tag", "digest",
                    "repository", "image.tar", "labels.json");
        }
        Path saved = work.resolve("saved");
        try (var in = Files.newInputStream(dir.resolve("image.tar"))) {
            Tar.extract(in, saved);
        }
        String first = pushed.layers().get(0).substring(7) + ".tar.gz";
        String second = pushed.layers().get(1).substring(7) + ".tar.gz";
        assertThat(saved.resolve("manifest.json")).content().startsWith("[{\"Config\":\"sha256:")
                .contains("\"RepoTags\":[\"" + registry.host() + "/busybox:latest\"]")
                .contains("\"Layers\":[\"" + first + "\",\"" + second + "\"]");
        assertThat(TestRegistry.digest(Files.readAllBytes(saved.resolve(first)))).isEqualTo(pushed.layers().get(0));
        try (var names = Files.list(saved)) {
            Path config = names.filter(p -> p.getFileName().toString().startsWith("sha256:")).findFirst().orElseThrow();
            assertThat(TestRegistry.digest(Files.readAllBytes(config))).isEqualTo(config.getFileName().toString());
            assertThat(config).content().contains("GREETING=hello from the registry");
        }
    }

    @Test
    void putPushesAnArchiveUploadingOnlyMissingBlobsAndAGetOfItGivesTheImageBack() throws IOException {
        Path put = Files.createDirectories(work.resolve("put/built"));
        TestImages.writeArchive(put.resolve("image.tar"), "pushed");
        Files.writeString(put.resolve("tags"), "1.0 stable\n");
        Map<String, Object> target = Map.of("repository", registry.host() + "/pushed", "tag", "dev");
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        ResourceResult pushed = type.put(request(target, Map.of("image", "built/image.tar", "additional_tags",
                "built/tags"), null, log), work.resolve("put"));

        String digest = pushed.version().fields().get("digest");
        assertThat(pushed.version()).isEqualTo(new Version(Map.of("tag", "dev", "digest", digest)));
        assertThat(type.check(ResourceRequest.of(target, pushed.version()))).containsExactly(pushed.version());
        assertThat(type.check(ResourceRequest.of(Map.of("repository", registry.host() + "/pushed", "tag", "stable"),
                null))).containsExactly(new Version(Map.of("tag", "stable", "digest", digest)));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("uploading " + TestRegistry.digest(bytes(
                "{\"config\":{\"Env\":[\"PUSHED=yes\"]},\"rootfs\":{\"type\":\"layers\"}}")))
                .contains("pushing " + registry.host() + "/pushed:1.0");
        Path got = Files.createDirectories(work.resolve("got"));
        type.get(request(target, Map.of(), pushed.version(), new ByteArrayOutputStream()), got);
        assertThat(got.resolve("rootfs/hello")).hasContent("pushed");
        assertThat(got.resolve("metadata.json")).content().contains("PUSHED=yes");

        // the archive a get with format: oci writes goes back as it came: every blob is there already
        TestImages.Pushed busybox = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        Path oci = Files.createDirectories(work.resolve("oci/image"));
        type.get(request(source("busybox"), Map.of("format", "oci"), new Version(Map.of("tag", "latest", "digest",
                busybox.index())), new ByteArrayOutputStream()), oci);
        ByteArrayOutputStream copyLog = new ByteArrayOutputStream();
        type.put(request(Map.of("repository", registry.host() + "/copy"), Map.of("image", "image/image.tar"), null,
                copyLog), work.resolve("oci"));
        assertThat(copyLog.toString(StandardCharsets.UTF_8)).doesNotContain("uploading")
                .contains("blob " + busybox.layers().getFirst() + " is there already");
        Path copied = Files.createDirectories(work.resolve("copied"));
        type.get(request(source("copy"), Map.of(), null, new ByteArrayOutputStream()), copied);
        assertThat(copied.resolve("rootfs/etc/motd")).hasContent("layer 2");
    }

    @Test
    void skipDownloadWritesOnlyTheVersionFiles() throws IOException {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        Path dir = Files.createDirectories(work.resolve("skip"));

        type.get(request(source("busybox"), Map.of("skip_download", true), new Version(Map.of("tag", "latest",
                "digest", pushed.index())), new ByteArrayOutputStream()), dir);

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tag", "digest",
                    "repository");
        }
        assertThat(registry.requests()).noneMatch(r -> r.contains("/blobs/"));
    }

    @Test
    void aBlobWhoseContentDoesNotMatchItsDigestIsRefused() throws IOException {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        String layer = pushed.layers().get(1);
        registry.tamper(layer, new TestLayer().file("etc/evil", 0644, "swapped\n").gzip());
        Path dir = Files.createDirectories(work.resolve("tampered"));

        assertThatThrownBy(() -> type.get(request(source("busybox"), Map.of(), new Version(Map.of("tag", "latest",
                "digest", pushed.index())), new ByteArrayOutputStream()), dir))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("the blob " + layer)
                .hasMessageContaining("refusing it");
        assertThat(dir.resolve("rootfs/etc/evil")).doesNotExist();
    }

    @Test
    void aManifestWhoseContentDoesNotMatchTheRequestedDigestIsRefused() {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "busybox", "latest", BUSYBOX);
        registry.tamper(pushed.image(), "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}"
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> type.get(request(source("busybox"), Map.of(), new Version(Map.of("tag", "latest",
                "digest", pushed.index())), new ByteArrayOutputStream()), Files.createDirectories(work.resolve("m"))))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("the manifest " + pushed.image())
                .hasMessageContaining("refusing it");
    }

    @Test
    void aTokenRegistryNeedsCredentialsAndTheyNeverAppearInMessages() throws IOException {
        TestImages.Pushed pushed = TestImages.pushBusybox(registry, "private/app", "latest", BUSYBOX);
        registry.requireToken("robot", "s3cret-p4ss");

        assertThatThrownBy(() -> type.check(ResourceRequest.of(source("private/app"), null)))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("refused anonymous access: set source.username and source.password");
        Map<String, Object> wrong = Map.of("repository", registry.host() + "/private/app", "username", "robot",
                "password", "wr0ng-p4ss");
        assertThatThrownBy(() -> type.check(ResourceRequest.of(wrong, null)))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("refused the credentials")
                .hasMessageNotContaining("wr0ng-p4ss");

        Map<String, Object> right = Map.of("repository", registry.host() + "/private/app", "username", "robot",
                "password", "s3cret-p4ss");
        assertThat(type.check(ResourceRequest.of(right, null)))
                .containsExactly(new Version(Map.of("tag", "latest", "digest", pushed.index())));
        Path dir = Files.createDirectories(work.resolve("private"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        type.get(request(right, Map.of(), new Version(Map.of("tag", "latest", "digest", pushed.index())), log), dir);
        assertThat(dir.resolve("rootfs/etc/motd")).hasContent("layer 2");
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("s3cret-p4ss");
        assertThat(registry.requests()).contains("GET /token");
    }

    @Test
    void aLayerEntryLeavingTheRootFileSystemIsAnErrorNamingTheLayer() throws IOException {
        for (TestLayer evil : List.of(new TestLayer().file("../escaped", 0644, "out\n"),
                new TestLayer().symlink("up", "../..").file("up/escaped", 0644, "out\n"))) {
            String config = registry.blob("application/vnd.oci.image.config.v1+json", "{}".getBytes());
            String layer = registry.blob(TestRegistry.GZIP_LAYER, evil.gzip());
            String digest = registry.image("evil", null, TestRegistry.OCI_MANIFEST, config, List.of(layer));
            String layerDigest = layer.replaceFirst(".*\"digest\":\"([^\"]+)\".*", "$1");
            Path dir = Files.createDirectories(work.resolve("evil-" + layerDigest.substring(7, 15)).resolve("get"));

            assertThatThrownBy(() -> type.get(request(source("evil"), Map.of(), new Version(Map.of("tag", "latest",
                    "digest", digest)), new ByteArrayOutputStream()), dir))
                    .isInstanceOf(ResourceException.class)
                    .hasMessageContaining("cannot apply the layer " + layerDigest)
                    .hasMessageContaining("escaped");
            assertThat(dir.resolve("escaped")).doesNotExist();
            assertThat(dir.getParent().resolve("escaped")).doesNotExist();
        }
    }

    @Test
    void zstdLayersAndSchema1ManifestsAreRefusedClearly() {
        String config = registry.blob("application/vnd.oci.image.config.v1+json", "{}".getBytes());
        String zstd = registry.image("zstd", "latest", TestRegistry.OCI_MANIFEST, config, List.of(
                registry.blob("application/vnd.oci.image.layer.v1.tar+zstd", new byte[] {0x28, (byte) 0xb5})));
        String schema1 = registry.manifest("old", "latest", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                "{\"schemaVersion\":1,\"fsLayers\":[]}");

        assertThatThrownBy(() -> type.get(request(source("zstd"), Map.of(), new Version(Map.of("tag", "latest",
                "digest", zstd)), new ByteArrayOutputStream()), Files.createDirectories(work.resolve("z"))))
                .hasMessageContaining("compressed with zstd");
        assertThatThrownBy(() -> type.get(request(source("old"), Map.of(), new Version(Map.of("tag", "latest",
                "digest", schema1)), new ByteArrayOutputStream()), Files.createDirectories(work.resolve("o"))))
                .hasMessageContaining("Docker schema 1 manifest, which is not supported");
    }

    @Test
    void unsupportedKeysBadNamesAndPutAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> type.check(ResourceRequest.of(Map.of("repository", "busybox", "semver_constraint",
                "~1.2"), null))).hasMessageContaining("registry-image resource: source.semver_constraint is not supported");
        assertThatThrownBy(() -> type.check(ResourceRequest.of(Map.of("repository", "busybox", "tag_regex", "1.(*"),
                null))).hasMessageContaining("source.tag_regex is not a regular expression");
        assertThatThrownBy(() -> type.check(ResourceRequest.of(Map.of("repository", "busybox",
                "pre_release_prefixes", List.of("build")), null)))
                .hasMessageContaining("source.pre_release_prefixes needs pre_releases: true");
        assertThatThrownBy(() -> type.check(ResourceRequest.of(Map.of("tag", "1"), null)))
                .hasMessageContaining("source.repository is required");
        assertThatThrownBy(() -> type.check(ResourceRequest.of(Map.of("repository", "busybox:1.36"), null)))
                .hasMessageContaining("source.repository").hasMessageContaining("give the tag in 'tag'");
        assertThatThrownBy(() -> type.check(ResourceRequest.of(Map.of("repository", "busybox", "username", "me"),
                null))).hasMessageContaining("source.password is needed too");
        assertThatThrownBy(() -> type.get(ResourceRequest.of(source("busybox"), null), work))
                .isInstanceOf(ResourceException.class);
        assertThatThrownBy(() -> type.get(request(source("busybox"), Map.of("format", "oci-layout"), null,
                new ByteArrayOutputStream()), work)).hasMessageContaining("params.format 'oci-layout' is not supported");
        assertThatThrownBy(() -> type.get(request(source("busybox"), Map.of("format", "tarball"), null,
                new ByteArrayOutputStream()), work)).hasMessageContaining("params.format must be rootfs");
        assertThatThrownBy(() -> type.put(ResourceRequest.of(source("busybox"), null), work))
                .isInstanceOf(ResourceException.class)
                .hasMessageContaining("params.image is required");
        assertThatThrownBy(() -> type.put(request(source("busybox"), Map.of("image", "../image.tar"), null,
                new ByteArrayOutputStream()), work)).hasMessageContaining("outside the resource's directory");
        assertThatThrownBy(() -> type.put(request(source("busybox"), Map.of("image", "x.tar", "bump_aliases", true),
                null, new ByteArrayOutputStream()), work)).hasMessageContaining("params.bump_aliases is not supported");
    }

    private static ResourceRequest request(Map<String, Object> source, Map<String, Object> params, Version version,
            ByteArrayOutputStream log) {
        return new ResourceRequest(source, params, version, Map.of(), log, () -> false);
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private boolean runningAsRoot() throws IOException {
        return (Integer) Files.getAttribute(Files.createDirectories(work.resolve("probe")), "unix:uid") == 0;
    }
}
