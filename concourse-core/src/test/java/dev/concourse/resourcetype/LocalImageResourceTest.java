package dev.concourse.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageResourceTest {
    private final LocalImageResource image = new LocalImageResource();

    @TempDir
    Path temp;

    private Path rootfs;
    private Map<String, Object> source;

    @BeforeEach
    void rootfs() throws IOException {
        rootfs = temp.resolve("images/tool/rootfs");
        Files.createDirectories(rootfs.resolve("opt/resource"));
        Files.writeString(rootfs.resolve("opt/resource/check"), "#!/bin/sh\necho '[]'\n", StandardCharsets.UTF_8);
        source = Map.of("path", rootfs.toString());
    }

    @Test
    void checkFindsOneVersionWithThePathAndADigestOfTheTree() {
        List<Version> versions = image.check(ResourceRequest.of(source, null));

        assertThat(versions).singleElement().satisfies(v -> {
            assertThat(v.fields()).containsOnlyKeys("path", "digest").containsEntry("path", rootfs.toString());
            assertThat(v.fields().get("digest")).matches("sha256:[0-9a-f]{64}");
        });
        assertThat(image.check(ResourceRequest.of(source, versions.get(0)))).as("stable").isEqualTo(versions);
    }

    @Test
    void changingTheTreeOrItsMetadataMakesANewVersion() throws IOException {
        Version before = image.check(ResourceRequest.of(source, null)).get(0);

        Files.writeString(rootfs.resolve("opt/resource/in"), "#!/bin/sh\n", StandardCharsets.UTF_8);
        Version added = image.check(ResourceRequest.of(source, before)).get(0);
        Files.setLastModifiedTime(rootfs.resolve("opt/resource/check"), FileTime.fromMillis(0));
        Version touched = image.check(ResourceRequest.of(source, added)).get(0);
        Files.writeString(rootfs.resolveSibling("metadata.json"), "{\"env\": [\"A=1\"]}", StandardCharsets.UTF_8);
        Version withMetadata = image.check(ResourceRequest.of(source, touched)).get(0);

        assertThat(List.of(before, added, touched, withMetadata)).doesNotHaveDuplicates();
    }

    @Test
    void getLinksTheRootfsAndWritesDefaultMetadata() throws IOException {
        Path fetched = Files.createDirectory(temp.resolve("fetched"));
        Version version = image.check(ResourceRequest.of(source, null)).get(0);

        ResourceResult result = image.get(ResourceRequest.of(source, version), fetched);

        assertThat(result).isEqualTo(ResourceResult.of(version));
        assertThat(Files.readSymbolicLink(fetched.resolve("rootfs"))).isEqualTo(rootfs);
        assertThat(fetched.resolve("rootfs/opt/resource/check")).exists();
        assertThat(fetched.resolve("metadata.json")).hasContent("{\"env\": [], \"user\": \"\"}");
    }

    @Test
    void getCopiesTheMetadataNextToThePath() throws IOException {
        Files.writeString(rootfs.resolveSibling("metadata.json"), "{\"env\": [\"PATH=/bin\"], \"user\": \"nobody\"}",
                StandardCharsets.UTF_8);
        Path fetched = Files.createDirectory(temp.resolve("fetched"));

        image.get(ResourceRequest.of(source, Version.of("path", rootfs.toString())), fetched);

        assertThat(fetched.resolve("metadata.json")).hasContent("{\"env\": [\"PATH=/bin\"], \"user\": \"nobody\"}");
    }

    @Test
    void thePathMustBeAnAbsoluteDirectoryAndPutIsNotSupported() {
        assertThatThrownBy(() -> image.check(ResourceRequest.of(Map.of(), null)))
                .isInstanceOf(ResourceException.class)
                .hasMessage("local-image resource: source.path is required: the directory holding the image's root "
                        + "file system");
        assertThatThrownBy(() -> image.check(ResourceRequest.of(Map.of("path", "relative/rootfs"), null)))
                .hasMessage("local-image resource: source.path must be absolute, not 'relative/rootfs'");
        assertThatThrownBy(() -> image.check(ResourceRequest.of(Map.of("path", temp.resolve("none").toString()), null)))
                .hasMessage("local-image resource: source.path '" + temp.resolve("none") + "' is not a directory on "
                        + "this host");
        assertThatThrownBy(() -> image.put(ResourceRequest.of(source, null), temp))
                .hasMessageStartingWith("local-image resource: put is not supported");
    }
}
