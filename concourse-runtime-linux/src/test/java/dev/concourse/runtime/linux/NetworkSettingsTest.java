package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.runtime.linux.internal.network.BridgeNetwork;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkSettingsTest {

    @Test
    void defaultsAreConcoursesWorkerDefaults() {
        NetworkSettings defaults = NetworkSettings.defaults();
        assertThat(defaults.bridgeName()).isEqualTo("concourse0");
        assertThat(defaults.subnet()).isEqualTo("10.80.0.0/16");
        assertThat(defaults.nat()).isTrue();
        assertThat(defaults.allowHostAccess()).isFalse();
        assertThat(defaults.restrictedNetworks()).isEmpty();
        assertThat(defaults.dnsServers()).isEmpty();
        assertThat(defaults.mtu()).isZero();
    }

    @Test
    void withersChangeOneValueAndListsAreCopied() {
        List<String> restricted = new ArrayList<>(List.of("10.0.0.0/8"));
        NetworkSettings settings = NetworkSettings.defaults().withRestrictedNetworks(restricted).withMtu(1400)
                .withAllowHostAccess(true).withNat(false).withDnsServers(List.of("10.0.0.2")).withBridgeName("ci0")
                .withSubnet("10.90.0.0/24");
        restricted.add("192.168.0.0/16");
        assertThat(settings).isEqualTo(new NetworkSettings("ci0", "10.90.0.0/24", false, List.of("10.0.0.0/8"), true,
                List.of("10.0.0.2"), 1400));
    }

    @Test
    void malformedValuesAreRefusedSayingWhatIsExpected() {
        NetworkSettings defaults = NetworkSettings.defaults();
        assertThatThrownBy(() -> defaults.withBridgeName("much-too-long-name0")).hasMessageContaining("1 to 15");
        assertThatThrownBy(() -> defaults.withBridgeName("br.0")).hasMessageContaining("'br.0'");
        assertThatThrownBy(() -> defaults.withSubnet("10.80.0.0")).hasMessageContaining("10.80.0.0/16");
        assertThatThrownBy(() -> defaults.withSubnet("10.80.0.0/31")).hasMessageContaining("no room for containers");
        assertThatThrownBy(() -> defaults.withRestrictedNetworks(List.of("internal"))).hasMessageContaining("'internal'");
        assertThatThrownBy(() -> defaults.withDnsServers(List.of("dns.example"))).hasMessageContaining("'dns.example'");
        assertThatThrownBy(() -> defaults.withMtu(20)).hasMessageContaining("MTU 20");
    }

    @Test
    void octetsAndHostBitsAreCheckedWhenTheNetworkIsOpened(@TempDir Path state) {
        assertThatThrownBy(() -> BridgeNetwork.open(NetworkSettings.defaults().withSubnet("10.80.0.1/16"), state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host bits set").hasMessageContaining("10.80.0.0/16");
        assertThatThrownBy(() -> BridgeNetwork.open(NetworkSettings.defaults().withRestrictedNetworks(List.of("10.0.0.999/8")),
                state)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restricted network '10.0.0.999/8'");
    }
}
