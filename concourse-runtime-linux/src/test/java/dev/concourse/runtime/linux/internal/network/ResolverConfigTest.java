package dev.concourse.runtime.linux.internal.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolverConfigTest {

    @TempDir
    Path dir;

    @Test
    void takesTheHostsResolversWithoutLoopbackAndIpv6AndSaysSo() throws Exception {
        Path host = Files.writeString(dir.resolve("resolv.conf"),
                "# comment\nnameserver 127.0.0.53\nnameserver 10.1.2.3\nnameserver fd00::1\nsearch corp.example lab\n");
        ResolverConfig config = ResolverConfig.resolve(List.of(), host, dir.resolve("absent"));
        assertThat(config.servers()).extracting(Ipv4Address::toString).containsExactly("10.1.2.3");
        assertThat(config.notes()).anySatisfy(note -> assertThat(note)
                .contains("skipping loopback resolver 127.0.0.53").contains("unreachable from a container"));
        assertThat(config.notes()).anySatisfy(note -> assertThat(note).contains("fd00::1").contains("IPv4 only"));
        assertThat(config.fileContent()).contains("nameserver 10.1.2.3\n").contains("search corp.example lab\n")
                .doesNotContain("127.0.0.53");
    }

    @Test
    void withOnlySystemdResolvedItUsesItsUpstreamServers() throws Exception {
        Path host = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\noptions edns0\n");
        Path upstream = Files.writeString(dir.resolve("upstream.conf"), "nameserver 192.168.7.1\nnameserver 192.168.7.2\n");
        ResolverConfig config = ResolverConfig.resolve(List.of(), host, upstream);
        assertThat(config.servers()).extracting(Ipv4Address::toString).containsExactly("192.168.7.1", "192.168.7.2");
        assertThat(config.notes()).anySatisfy(note -> assertThat(note).contains("upstream servers").contains(upstream.toString()));
    }

    @Test
    void withNoUsableServerItSaysWhatToConfigure() throws Exception {
        Path host = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
        ResolverConfig config = ResolverConfig.resolve(List.of(), host, dir.resolve("absent"));
        assertThat(config.servers()).isEmpty();
        assertThat(config.notes()).anySatisfy(note -> assertThat(note).contains("NetworkSettings.dnsServers"));
        assertThat(config.fileContent()).doesNotContain("nameserver");
    }

    @Test
    void configuredServersWinAndKeepTheHostsSearchDomains() throws Exception {
        Path host = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.1.2.3\nsearch corp.example\n");
        ResolverConfig config = ResolverConfig.resolve(List.of("10.9.9.9"), host, dir.resolve("absent"));
        assertThat(config.fileContent()).isEqualTo("# written by concourse-runtime-linux\nnameserver 10.9.9.9\nsearch corp.example\n");
        assertThat(config.notes()).isEmpty();
    }
}
