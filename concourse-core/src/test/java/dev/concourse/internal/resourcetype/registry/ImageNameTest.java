package dev.concourse.internal.resourcetype.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ImageNameTest {
    @Test
    void dockerHubShortNamesAreUnderLibraryOnTheApiHost() {
        assertThat(ImageName.parse("busybox", false)).isEqualTo(new ImageName("registry-1.docker.io",
                "library/busybox", false));
        assertThat(ImageName.parse("concourse/concourse", false).path()).isEqualTo("concourse/concourse");
        assertThat(ImageName.parse("docker.io/busybox", false)).isEqualTo(ImageName.parse("busybox", false));
        assertThat(ImageName.parse("index.docker.io/library/busybox", false).registry())
                .isEqualTo("registry-1.docker.io");
        assertThat(ImageName.parse("busybox", false).apiRoot()).isEqualTo(URI.create("https://registry-1.docker.io/v2/"));
    }

    @Test
    void aFirstComponentWithADotOrPortOrLocalhostIsTheRegistry() {
        assertThat(ImageName.parse("ghcr.io/team/app", false)).isEqualTo(new ImageName("ghcr.io", "team/app", false));
        assertThat(ImageName.parse("registry.example.com:5000/app", false).apiRoot())
                .isEqualTo(URI.create("https://registry.example.com:5000/v2/"));
        assertThat(ImageName.parse("localhost/app", false).plainHttp()).isTrue();
    }

    @Test
    void loopbackRegistriesAndInsecureOnesAreSpokenToOverPlainHttp() {
        assertThat(ImageName.parse("127.0.0.1:5000/busybox", false).apiRoot())
                .isEqualTo(URI.create("http://127.0.0.1:5000/v2/"));
        assertThat(ImageName.parse("localhost:5000/busybox", false).plainHttp()).isTrue();
        assertThat(ImageName.parse("[::1]:5000/busybox", false).plainHttp()).isTrue();
        assertThat(ImageName.parse("registry.lan:5000/busybox", false).plainHttp()).isFalse();
        assertThat(ImageName.parse("registry.lan:5000/busybox", true).plainHttp()).isTrue();
    }

    @Test
    void namesThatAreNotRepositoriesAreRefusedSayingWhy() {
        assertThatThrownBy(() -> ImageName.parse("busybox:1.36", false)).hasMessageContaining("give the tag in 'tag'");
        assertThatThrownBy(() -> ImageName.parse("BusyBox", false)).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> ImageName.parse("busybox@sha256:abc", false)).hasMessageContaining("without a scheme"
                + " or digest");
        assertThatThrownBy(() -> ImageName.parse("https://ghcr.io/app", false)).hasMessageContaining("without a"
                + " scheme");
    }

    @Test
    void platformsDefaultToLinuxAndThisJvmsArchitectureInGoNames() {
        Platform platform = Platform.of(null, "");
        assertThat(platform.os()).isEqualTo("linux");
        assertThat(platform.architecture()).isIn("amd64", "arm64", "386", "arm", "ppc64le", "s390x", "riscv64");
        assertThat(Platform.of("linux", "arm64/v8")).isEqualTo(new Platform("linux", "arm64", "v8"));
        assertThat(Platform.of("linux", "arm64").accepts(new Platform("linux", "arm64", "v8"))).isTrue();
        assertThat(Platform.of("linux", "arm/v7").accepts(new Platform("linux", "arm", "v6"))).isFalse();
    }
}
