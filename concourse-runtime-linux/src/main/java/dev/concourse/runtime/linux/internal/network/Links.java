package dev.concourse.runtime.linux.internal.network;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/** The bridge, veth pairs and named network namespaces, through {@code ip}. */
final class Links {

    static final Path NETNS_DIRECTORY = Path.of("/run/netns");
    static final String CONTAINER_INTERFACE = "eth0";
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    private static final String VETH_PREFIX = "ccv";

    /**
     * The first {@code ip netns add} on a host turns /run/netns into a shared mount point, and
     * concurrent first calls stack mounts there; one at a time per JVM avoids that.
     */
    private static final ReentrantLock NAMESPACE_CREATION = new ReentrantLock();

    private final HostCommands commands;
    private final String bridge;
    private final Ipv4Subnet subnet;

    Links(HostCommands commands, String bridge, Ipv4Subnet subnet) {
        this.commands = commands;
        this.bridge = bridge;
        this.subnet = subnet;
    }

    /** Creates the bridge with the gateway address if missing, and sets it up. */
    void ensureBridge() {
        if (!interfaceExists(bridge)) {
            refuseOverlappingRoutes();
            HostCommands.Result added = commands.tryRun("ip", "link", "add", "name", bridge, "type", "bridge");
            if (!added.ok() && !interfaceExists(bridge)) {
                throw new RuntimeOperationException("Network set-up: " + added.describe());
            }
        }
        if (!Files.isDirectory(SYS_CLASS_NET.resolve(bridge).resolve("bridge"))) {
            throw new RuntimeOperationException("Interface '" + bridge + "' exists and is not a bridge: choose another"
                    + " NetworkSettings.bridgeName or remove it (ip link del " + bridge + ")");
        }
        String gateway = subnet.gateway() + "/" + subnet.prefixLength();
        List<String> addresses = bridgeAddresses();
        if (addresses.isEmpty()) {
            HostCommands.Result added = commands.tryRun("ip", "addr", "add", gateway, "dev", bridge);
            if (!added.ok() && !bridgeAddresses().contains(gateway)) {
                throw new RuntimeOperationException("Network set-up: " + added.describe());
            }
        } else if (!addresses.contains(gateway)) {
            throw new RuntimeOperationException("Bridge '" + bridge + "' has the address(es) " + addresses + ", not " + gateway
                    + " for subnet " + subnet + ": it belongs to another subnet. Use that subnet, another bridge name, or remove"
                    + " the bridge (ip link del " + bridge + ") once no container uses it");
        }
        commands.run("ip", "link", "set", "dev", bridge, "up");
    }

    private List<String> bridgeAddresses() {
        List<String> addresses = new ArrayList<>();
        for (String line : commands.run("ip", "-o", "-4", "addr", "show", "dev", bridge).split("\n")) {
            String[] words = line.strip().split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("inet")) {
                    addresses.add(words[i + 1]);
                }
            }
        }
        return addresses;
    }

    private void refuseOverlappingRoutes() {
        for (String line : commands.run("ip", "-o", "-4", "route", "show", "table", "all").split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            // a route type (local, broadcast, unreachable, blackhole, ...) may come before the destination
            int start = Character.isDigit(words[0].charAt(0)) || words[0].equals("default") ? 0 : 1;
            if (start >= words.length || words[start].equals("default")) {
                continue;
            }
            Ipv4Subnet route;
            try {
                route = Ipv4Subnet.parse(words[start], "route");
            } catch (IllegalArgumentException notACidr) {
                continue;
            }
            if (route.prefixLength() > 0 && route.overlaps(subnet)) {
                throw new RuntimeOperationException("Subnet " + subnet + " overlaps the host's route '" + line.strip()
                        + "': containers could not reach those addresses, or would hide them. Configure"
                        + " NetworkSettings.subnet to a free range");
            }
        }
    }

    /** Removes the bridge (idempotent); its ports are detached by the kernel. */
    void removeBridge() {
        if (interfaceExists(bridge)) {
            commands.tryRun("ip", "link", "del", "dev", bridge);
        }
    }

    /** The MTU of the interface of the host's default route, else 1500. */
    int hostMtu() {
        for (String line : commands.run("ip", "-o", "-4", "route", "show", "default").split("\n")) {
            String[] words = line.strip().split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("dev")) {
                    try {
                        return Integer.parseInt(Files.readString(SYS_CLASS_NET.resolve(words[i + 1]).resolve("mtu"),
                                StandardCharsets.US_ASCII).strip());
                    } catch (IOException | NumberFormatException e) {
                        return 1500;
                    }
                }
            }
        }
        return 1500;
    }

    static String vethName(Ipv4Address address) {
        return VETH_PREFIX + address.hex();
    }

    String namespaceName(String handle) {
        return bridge + "." + handle;
    }

    /**
     * Creates the namespace, the veth pair with its container end in it, and configures both ends:
     * two {@code ip -batch} processes, one per namespace.
     */
    void connect(String namespace, Ipv4Address address, int mtu) {
        String veth = vethName(address);
        String hostSide = "netns add " + namespace + "\n"
                + "link add name " + veth + " mtu " + mtu + " type veth peer name " + CONTAINER_INTERFACE + " mtu " + mtu
                + " netns " + namespace + "\n"
                + "link set dev " + veth + " master " + bridge + " up\n";
        NAMESPACE_CREATION.lock();
        try {
            commands.runWithInput(hostSide, "ip", "-batch", "-");
        } finally {
            NAMESPACE_CREATION.unlock();
        }
        commands.runWithInput("addr add " + address + "/" + subnet.prefixLength() + " dev " + CONTAINER_INTERFACE + "\n"
                + "link set dev " + CONTAINER_INTERFACE + " up\n"
                + "link set dev lo up\n"
                + "route add default via " + subnet.gateway() + "\n", "ip", "-n", namespace, "-batch", "-");
    }

    /**
     * Removes the host veth (its peer goes with it) and the named namespace, those that exist, in
     * one {@code ip} process; a namespace still used by processes disappears when they end.
     */
    void disconnect(String veth, String namespace) {
        StringBuilder batch = new StringBuilder();
        if (veth != null && interfaceExists(veth)) {
            batch.append("link del dev ").append(veth).append('\n');
        }
        if (namespace != null && Files.exists(NETNS_DIRECTORY.resolve(namespace))) {
            batch.append("netns del ").append(namespace).append('\n');
        }
        if (batch.isEmpty()) {
            return;
        }
        HostCommands.Result result = commands.tryRunWithInput(batch.toString(), "ip", "-force", "-batch", "-");
        boolean vethLeft = veth != null && interfaceExists(veth);
        boolean namespaceLeft = namespace != null && Files.exists(NETNS_DIRECTORY.resolve(namespace));
        if (!result.ok() && (vethLeft || namespaceLeft)) {
            throw new RuntimeOperationException("Network tear-down: " + result.describe() + "\nInput was:\n" + batch);
        }
    }

    /** Removes the host veth (its peer goes with it); idempotent. */
    void removeVeth(String veth) {
        disconnect(veth, null);
    }

    /** Removes the named namespace; idempotent. */
    void removeNamespace(String namespace) {
        disconnect(null, namespace);
    }

    /** Host veths named for an address of this subnet, with that address. */
    List<Ipv4Address> vethAddresses() {
        List<Ipv4Address> found = new ArrayList<>();
        for (String name : list(SYS_CLASS_NET)) {
            if (name.startsWith(VETH_PREFIX)) {
                Optional<Ipv4Address> address = Ipv4Address.fromHex(name.substring(VETH_PREFIX.length()));
                address.filter(subnet::contains).ifPresent(found::add);
            }
        }
        return found;
    }

    /** Handles of the named namespaces of this bridge. */
    List<String> namespaceHandles() {
        String prefix = bridge + ".";
        return list(NETNS_DIRECTORY).stream().filter(n -> n.startsWith(prefix) && n.length() > prefix.length())
                .map(n -> n.substring(prefix.length())).toList();
    }

    static boolean interfaceExists(String name) {
        return Files.exists(SYS_CLASS_NET.resolve(name));
    }

    private static List<String> list(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot list " + directory + ": " + e.getMessage(), e);
        }
    }
}
