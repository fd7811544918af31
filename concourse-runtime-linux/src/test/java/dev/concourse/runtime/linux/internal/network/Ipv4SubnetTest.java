package dev.concourse.runtime.linux.internal.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4SubnetTest {

    @Test
    void parsesAndComputesTheSpecialAddresses() {
        Ipv4Subnet subnet = Ipv4Subnet.parse("10.80.0.0/16", "subnet");
        assertThat(subnet.gateway()).hasToString("10.80.0.1");
        assertThat(subnet.broadcast()).hasToString("10.80.255.255");
        assertThat(subnet.size()).isEqualTo(65536);
        assertThat(subnet.contains(Ipv4Address.parse("10.80.200.3", "a"))).isTrue();
        assertThat(subnet.contains(Ipv4Address.parse("10.81.0.1", "a"))).isFalse();
        assertThat(Ipv4Subnet.parse("192.168.1.7", "x")).hasToString("192.168.1.7/32");
        assertThat(Ipv4Subnet.parse("0.0.0.0/0", "x").contains(Ipv4Address.parse("255.255.255.255", "a"))).isTrue();
    }

    @Test
    void overlaps() {
        Ipv4Subnet wide = Ipv4Subnet.parse("10.0.0.0/8", "s");
        assertThat(wide.overlaps(Ipv4Subnet.parse("10.80.0.0/16", "s"))).isTrue();
        assertThat(Ipv4Subnet.parse("10.80.0.0/16", "s").overlaps(wide)).isTrue();
        assertThat(Ipv4Subnet.parse("10.80.0.0/16", "s").overlaps(Ipv4Subnet.parse("10.81.0.0/16", "s"))).isFalse();
    }

    @Test
    void refusesMalformedCidrsSayingWhatIsWrong() {
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.80.0.1/16", "subnet"))
                .hasMessageContaining("host bits set").hasMessageContaining("10.80.0.0/16");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.300.0.0/16", "subnet"))
                .hasMessageContaining("subnet '10.300.0.0/16'");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.80.0.0/33", "subnet")).hasMessageContaining("33");
        assertThatThrownBy(() -> Ipv4Subnet.parse("10.80.0.0/", "restricted network"))
                .hasMessageContaining("restricted network '10.80.0.0/'");
    }

    @Test
    void hexRoundTrip() {
        Ipv4Address address = Ipv4Address.parse("10.213.7.254", "a");
        assertThat(address.hex()).isEqualTo("0ad507fe");
        assertThat(Ipv4Address.fromHex("0ad507fe")).contains(address);
        assertThat(Ipv4Address.fromHex("zz")).isEmpty();
    }

    @Test
    void hostnamesForHandlesAreValidHostNames() {
        assertThat(BridgeNetwork.hostnameFor("build_17-task")).isEqualTo("build-17-task");
        assertThat(BridgeNetwork.hostnameFor("a".repeat(62) + "-b")).isEqualTo("a".repeat(62));
        assertThat(BridgeNetwork.hostnameFor("x".repeat(128))).hasSize(63);
    }
}
