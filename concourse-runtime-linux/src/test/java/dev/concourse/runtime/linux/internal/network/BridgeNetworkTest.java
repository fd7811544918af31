package dev.concourse.runtime.linux.internal.network;

import static dev.concourse.runtime.linux.internal.network.NetworkHost.iptables;
import static dev.concourse.runtime.linux.internal.network.NetworkHost.interfaceExists;
import static dev.concourse.runtime.linux.internal.network.NetworkHost.namespaceExists;
import static dev.concourse.runtime.linux.internal.network.NetworkHost.ping;
import static dev.concourse.runtime.linux.internal.network.NetworkHost.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.runtime.linux.NetworkSettings;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real bridges, namespaces and iptables rules (root only). Traffic goes only to namespaces this
 * class creates: containers on bridge {@value #BRIDGE} (10.213.7.0/24) and one "outside" namespace
 * behind a veth of its own (10.213.8.0/30) standing in for a network beyond the host.
 */
class BridgeNetworkTest {

    private static final String BRIDGE = "ccnet-bnt";
    private static final String SUBNET = "10.213.7.0/24";
    private static final String GATEWAY = "10.213.7.1";
    private static final String OUTSIDE_NS = "ccnet-bnt-outside";
    private static final String OUTSIDE_VETH = "ccnbntout";
    private static final String OUTSIDE_ADDRESS = "10.213.8.2";
    private static final String OTHER_BRIDGE = "ccnet-bnt2";

    @TempDir
    static Path state;

    private static BridgeNetwork network;

    @BeforeAll
    static void prerequisitesAndOutsideNetwork() {
        NetworkHost.requirePrerequisites();
        removeOutside();
        assertThat(run("ip", "netns", "add", OUTSIDE_NS).exitCode()).isZero();
        assertThat(run("ip", "link", "add", "name", OUTSIDE_VETH, "type", "veth", "peer", "name", "eth0", "netns", OUTSIDE_NS)
                .exitCode()).isZero();
        assertThat(run("ip", "addr", "add", "10.213.8.1/30", "dev", OUTSIDE_VETH).exitCode()).isZero();
        assertThat(run("ip", "link", "set", OUTSIDE_VETH, "up").exitCode()).isZero();
        assertThat(run("ip", "-n", OUTSIDE_NS, "addr", "add", OUTSIDE_ADDRESS + "/30", "dev", "eth0").exitCode()).isZero();
        assertThat(run("ip", "-n", OUTSIDE_NS, "link", "set", "eth0", "up").exitCode()).isZero();
        assertThat(run("ip", "-n", OUTSIDE_NS, "route", "add", "default", "via", "10.213.8.1").exitCode()).isZero();
    }

    @AfterEach
    void removeContainers() {
        if (network != null) {
            network.collectGarbage(Set.of());
        }
    }

    @AfterAll
    static void removeEverything() {
        try {
            if (network != null) {
                network.destroy();
            }
        } finally {
            // also when destroy() is what failed: nothing of ours may stay on the host
            for (String chain : List.of("FWD", "CTR", "IN")) {
                run("iptables", "-w", "10", "-D", "FORWARD", "-i", BRIDGE, "-j", "CC-" + BRIDGE + "-FWD");
                run("iptables", "-w", "10", "-D", "FORWARD", "-o", BRIDGE, "-j", "CC-" + BRIDGE + "-FWD");
                run("iptables", "-w", "10", "-D", "INPUT", "-i", BRIDGE, "-j", "CC-" + BRIDGE + "-IN");
                run("iptables", "-w", "10", "-F", "CC-" + BRIDGE + "-" + chain);
                run("iptables", "-w", "10", "-X", "CC-" + BRIDGE + "-" + chain);
            }
            run("iptables", "-w", "10", "-t", "nat", "-D", "POSTROUTING", "-s", SUBNET, "-j", "CC-" + BRIDGE + "-NAT");
            run("iptables", "-w", "10", "-t", "nat", "-X", "CC-" + BRIDGE + "-NAT");
            for (String name : List.of(BRIDGE, OTHER_BRIDGE)) {
                run("ip", "link", "del", name);
            }
            for (int host = 2; host < 255; host++) {
                String veth = Links.vethName(Ipv4Address.parse("10.213.7." + host, "a"));
                if (interfaceExists(veth)) {
                    run("ip", "link", "del", veth);
                }
            }
            run("ip", "netns", "list").output().lines().map(l -> l.split(" ")[0])
                    .filter(n -> n.startsWith(BRIDGE + ".")).forEach(n -> run("ip", "netns", "del", n));
            removeOutside();
        }
    }

    private static void removeOutside() {
        if (interfaceExists(OUTSIDE_VETH)) {
            run("ip", "link", "del", OUTSIDE_VETH);
        }
        if (namespaceExists(OUTSIDE_NS)) {
            run("ip", "netns", "del", OUTSIDE_NS);
        }
    }

    private static int hostMtu() {
        String defaultRoute = run("ip", "-o", "-4", "route", "show", "default").output();
        String[] words = defaultRoute.strip().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("dev")) {
                return Integer.parseInt(run("cat", "/sys/class/net/" + words[i + 1] + "/mtu").output().strip());
            }
        }
        return 1500;
    }

    private static NetworkSettings settings() {
        return NetworkSettings.defaults().withBridgeName(BRIDGE).withSubnet(SUBNET).withDnsServers(List.of("10.213.8.2"));
    }

    private static BridgeNetwork open(NetworkSettings settings) {
        network = BridgeNetwork.open(settings, state);
        return network;
    }

    @Test
    void twoContainersReachEachOtherThroughTheBridge() throws Exception {
        BridgeNetwork net = open(settings());
        assertThat(net.dnsServers()).containsExactly("10.213.8.2");
        ContainerNetwork a = net.setUp("build-1-task", "build-1-task");
        ContainerNetwork b = net.setUp("build-2-task", "b-host");

        assertThat(a.address()).isNotEqualTo(b.address()).startsWith("10.213.7.");
        assertThat(a.gateway()).isEqualTo(GATEWAY);
        assertThat(run("ip", "-n", a.namespaceName(), "link", "show", "eth0").output()).contains("mtu " + hostMtu());
        assertThat(a.namespacePath()).isEqualTo(Path.of("/run/netns", BRIDGE + ".build-1-task")).exists();
        assertThat(Files.readString(Path.of("/sys/class/net", a.hostInterface(), "master", "uevent")))
                .contains("INTERFACE=" + BRIDGE);
        assertThat(run("ip", "-n", a.namespaceName(), "route").output()).contains("default via " + GATEWAY + " dev eth0");

        assertThat(ping(a.namespaceName(), b.address())).as("a pings b").isTrue();
        assertThat(ping(b.namespaceName(), a.address())).as("b pings a").isTrue();
        assertThat(ping(null, a.address())).as("the host reaches a container").isTrue();

        assertThat(Files.readString(b.hostsFile())).contains(b.address() + "\tb-host\n").contains("127.0.0.1\tlocalhost");
        assertThat(Files.readString(b.resolvConfFile())).contains("nameserver 10.213.8.2\n");
        assertThat(Files.readString(b.hostnameFile())).isEqualTo("b-host\n");
    }

    @Test
    void theHostIsUnreachableFromAContainerUnlessAllowed() {
        BridgeNetwork denied = open(settings().withAllowHostAccess(false));
        ContainerNetwork c = denied.setUp("denied", "denied");
        assertThat(ping(c.namespaceName(), GATEWAY)).as("host reachable although denied").isFalse();
        assertThat(ping(c.namespaceName(), "10.213.8.1")).as("host's other address reachable although denied").isFalse();
        assertThat(ping(null, c.address())).as("replies to the host's own connections pass").isTrue();

        open(settings().withAllowHostAccess(true));
        assertThat(ping(c.namespaceName(), GATEWAY)).as("host unreachable although allowed").isTrue();
    }

    @Test
    void aRestrictedNetworkIsUnreachableWhileOthersAndTheBridgeStayReachable() {
        BridgeNetwork open = open(settings());
        ContainerNetwork c = open.setUp("egress", "egress");
        ContainerNetwork peer = open.setUp("peer", "peer");
        assertThat(ping(c.namespaceName(), OUTSIDE_ADDRESS)).as("outside unreachable without restriction").isTrue();
        assertThat(iptables("nat", "CC-" + BRIDGE + "-NAT")).contains("! -o " + BRIDGE + " -j MASQUERADE");

        open(settings().withRestrictedNetworks(List.of("10.213.8.0/30")));
        assertThat(ping(c.namespaceName(), OUTSIDE_ADDRESS)).as("restricted network reachable").isFalse();
        assertThat(ping(c.namespaceName(), peer.address())).as("containers of the bridge are not restricted").isTrue();

        open(settings().withRestrictedNetworks(List.of("10.0.0.0/8")));
        assertThat(ping(c.namespaceName(), OUTSIDE_ADDRESS)).isFalse();
        assertThat(ping(c.namespaceName(), peer.address())).as("a restriction covering the subnet spares the bridge").isTrue();
    }

    @Test
    void theDnsServersStayReachableOnPort53InsideARestrictedNetwork() {
        BridgeNetwork net = open(settings().withRestrictedNetworks(List.of("10.213.8.0/30")));
        ContainerNetwork c = net.setUp("resolver-user", "resolver-user");
        assertThat(NetworkHost.tcpDelivers(c.namespaceName(), OUTSIDE_NS, OUTSIDE_ADDRESS, 53)).as("DNS port").isTrue();
        assertThat(NetworkHost.tcpDelivers(c.namespaceName(), OUTSIDE_NS, OUTSIDE_ADDRESS, 54)).as("other port").isFalse();
        assertThat(ping(c.namespaceName(), OUTSIDE_ADDRESS)).isFalse();
    }

    @Test
    void anAddressWithoutAContainerRuleGetsNowhere() {
        BridgeNetwork net = open(settings().withAllowHostAccess(true));
        ContainerNetwork c = net.setUp("spoofer", "spoofer");
        assertThat(ping(c.namespaceName(), OUTSIDE_ADDRESS)).isTrue();
        // the container takes an address nobody leased: the bridge forwards nothing for it
        assertThat(run("ip", "-n", c.namespaceName(), "addr", "flush", "dev", "eth0").exitCode()).isZero();
        assertThat(run("ip", "-n", c.namespaceName(), "addr", "add", "10.213.7.250/24", "dev", "eth0").exitCode()).isZero();
        assertThat(run("ip", "-n", c.namespaceName(), "route", "add", "default", "via", GATEWAY).exitCode()).isZero();
        assertThat(ping(c.namespaceName(), OUTSIDE_ADDRESS)).isFalse();
    }

    @Test
    void addressesAreUniqueAndContainersAreFoundAgainAfterARestart() {
        BridgeNetwork first = open(settings());
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            assertThat(addresses.add(first.setUp("c" + i, "c" + i).address())).isTrue();
        }
        BridgeNetwork restarted = open(settings());
        for (int i = 0; i < 12; i++) {
            ContainerNetwork found = restarted.find("c" + i).orElseThrow();
            assertThat(addresses).contains(found.address());
            assertThat(found.hostname()).isEqualTo("c" + i);
            assertThat(found.namespacePath()).exists();
        }
        assertThat(addresses).doesNotContain(restarted.setUp("c12", "c12").address());
        assertThatThrownBy(() -> restarted.setUp("c3", "c3"))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("already has the address");
        assertThat(ping(restarted.find("c3").orElseThrow().namespaceName(), restarted.find("c12").orElseThrow().address()))
                .as("a failed second set-up leaves the first alone").isTrue();
    }

    @Test
    void containersAreSetUpAndTornDownInParallel() throws Exception {
        BridgeNetwork net = open(settings());
        List<ContainerNetwork> containers;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ContainerNetwork>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String handle = "parallel-" + i;
                futures.add(threads.submit(() -> net.setUp(handle, handle)));
            }
            containers = new ArrayList<>();
            for (Future<ContainerNetwork> future : futures) {
                containers.add(future.get());
            }
        }
        assertThat(containers).extracting(ContainerNetwork::address).doesNotHaveDuplicates();
        assertThat(ping(containers.get(0).namespaceName(), containers.get(7).address())).isTrue();
        assertThat(ping(containers.get(7).namespaceName(), containers.get(3).address())).isTrue();

        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (ContainerNetwork c : containers) {
                futures.add(threads.submit(() -> net.tearDown(c.handle())));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        for (ContainerNetwork c : containers) {
            assertThat(interfaceExists(c.hostInterface())).isFalse();
            assertThat(namespaceExists(c.namespaceName())).isFalse();
        }
        assertThat(iptables("filter", "CC-" + BRIDGE + "-CTR")).doesNotContain("-s 10.213.7.");
        assertThat(net.collectGarbage(Set.of()).isEmpty()).isTrue();
    }

    @Test
    void aSetUpReplacesLeftoversOfACrashedOneAndATearDownFinishesAHalfDoneOne() throws Exception {
        BridgeNetwork net = open(settings());
        assertThat(run("ip", "netns", "add", BRIDGE + ".reborn").exitCode()).isZero(); // no lease: a crash's leftover
        ContainerNetwork reborn = net.setUp("reborn", "reborn");
        assertThat(ping(null, reborn.address())).isTrue();

        assertThat(run("ip", "link", "del", reborn.hostInterface()).exitCode()).isZero(); // half torn down
        net.tearDown("reborn");
        assertThat(namespaceExists(reborn.namespaceName())).isFalse();
        assertThat(net.find("reborn")).isEmpty();
        assertThat(iptables("filter", "CC-" + BRIDGE + "-CTR")).doesNotContain(reborn.address() + "/32");
    }

    @Test
    void tearDownRemovesTheVethNamespaceRuleFilesAndLease() {
        BridgeNetwork net = open(settings());
        ContainerNetwork c = net.setUp("gone", "gone");
        assertThat(iptables("filter", "CC-" + BRIDGE + "-CTR")).contains("-s " + c.address() + "/32");

        net.tearDown("gone");
        assertThat(interfaceExists(c.hostInterface())).isFalse();
        assertThat(namespaceExists(c.namespaceName())).isFalse();
        assertThat(iptables("filter", "CC-" + BRIDGE + "-CTR")).doesNotContain(c.address() + "/32");
        assertThat(c.hostsFile()).doesNotExist();
        assertThat(state.resolve("network").resolve(BRIDGE).resolve("leases").resolve(c.address())).doesNotExist();
        assertThat(net.find("gone")).isEmpty();
        net.tearDown("gone"); // idempotent
    }

    @Test
    void garbageCollectionRemovesWhatNoLiveContainerOwns() {
        BridgeNetwork net = open(settings());
        ContainerNetwork live = net.setUp("live", "live");
        ContainerNetwork dead = net.setUp("dead", "dead");
        // leftovers without a lease, as a crash between steps leaves them
        String strayVeth = Links.vethName(Ipv4Address.parse("10.213.7.200", "a"));
        assertThat(run("ip", "link", "add", "name", strayVeth, "type", "veth", "peer", "name", "ccnbntpeer").exitCode()).isZero();
        assertThat(run("ip", "netns", "add", BRIDGE + ".ghost").exitCode()).isZero();
        assertThat(run("iptables", "-w", "10", "-A", "CC-" + BRIDGE + "-CTR", "-s", "10.213.7.201/32", "-i", BRIDGE,
                "-j", "ACCEPT").exitCode()).isZero();

        NetworkGarbage garbage = open(settings()).collectGarbage(Set.of("live"));

        assertThat(garbage.leases()).containsExactly("dead");
        assertThat(garbage.interfaces()).containsExactly(strayVeth);
        assertThat(garbage.namespaces()).containsExactly(BRIDGE + ".ghost");
        assertThat(garbage.rules()).containsExactly("10.213.7.201");
        assertThat(interfaceExists(dead.hostInterface())).isFalse();
        assertThat(interfaceExists(strayVeth)).isFalse();
        assertThat(interfaceExists("ccnbntpeer")).isFalse();
        assertThat(namespaceExists(dead.namespaceName())).isFalse();
        assertThat(namespaceExists(BRIDGE + ".ghost")).isFalse();
        assertThat(iptables("filter", "CC-" + BRIDGE + "-CTR")).doesNotContain("10.213.7.201").doesNotContain(dead.address())
                .contains(live.address() + "/32");
        assertThat(network.find("live")).isPresent();
        assertThat(ping(null, live.address())).as("the live container keeps its network").isTrue();
        assertThat(network.collectGarbage(Set.of("live")).isEmpty()).isTrue();
    }

    @Test
    void aSubnetOverlappingAHostRouteIsRefusedBeforeAnythingIsCreated() {
        NetworkSettings overlapping = NetworkSettings.defaults().withBridgeName(OTHER_BRIDGE).withSubnet("10.213.8.0/29")
                .withDnsServers(List.of("10.213.8.2"));
        assertThatThrownBy(() -> BridgeNetwork.open(overlapping, state))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("Subnet 10.213.8.0/29 overlaps the host's route '10.213.8.0/30 dev " + OUTSIDE_VETH)
                .hasMessageContaining("NetworkSettings.subnet");
        assertThat(interfaceExists(OTHER_BRIDGE)).isFalse();
    }

    @Test
    void aBridgeWithAnotherSubnetIsRefused() {
        open(settings());
        assertThatThrownBy(() -> BridgeNetwork.open(settings().withSubnet("10.213.11.0/24"), state.resolve("elsewhere")))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("Bridge '" + BRIDGE + "' has the address(es) [10.213.7.1/24], not 10.213.11.1/24");
    }
}
