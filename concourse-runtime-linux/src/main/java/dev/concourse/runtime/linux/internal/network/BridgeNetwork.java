package dev.concourse.runtime.linux.internal.network;

import dev.concourse.runtime.linux.NetworkSettings;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers' network on one bridge: what the runc runtime calls to give a container its
 * network before {@code runc create} and to take it away after the container is gone.
 *
 * <p>State lives under {@code <stateDirectory>/network/<bridge>/}: {@code leases/} (one file per
 * leased address, see {@link AddressPool}) and {@code containers/<handle>/} (the hosts,
 * resolv.conf and hostname files to bind-mount). Kernel state (bridge, veths, namespaces,
 * iptables rules) outlives the JVM; a new instance on the same state directory finds every
 * container again ({@link #find}), and {@link #collectGarbage} removes what no live container owns.
 * Use one instance per bridge and host: a second one (another JVM) never gets an address the
 * first holds, but its garbage collection would remove the first one's containers.
 *
 * <p>Thread-safe: set-ups and tear-downs of different containers run in parallel; garbage
 * collection runs alone. Needs root (CAP_NET_ADMIN) and the {@code ip} and {@code iptables}
 * commands.
 */
public final class BridgeNetwork {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeNetwork.class);
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?");
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private final NetworkSettings settings;
    private final Ipv4Subnet subnet;
    private final Path directory;
    private final AddressPool pool;
    private final Links links;
    private final Firewall firewall;
    private final ResolverConfig resolver;
    private final int mtu;
    private final ReadWriteLock gcLock = new ReentrantReadWriteLock();

    private BridgeNetwork(NetworkSettings settings, Path directory, HostCommands commands) {
        this.settings = settings;
        this.subnet = Ipv4Subnet.parse(settings.subnet(), "subnet");
        List<Ipv4Subnet> restricted = settings.restrictedNetworks().stream()
                .map(cidr -> Ipv4Subnet.parse(cidr, "restricted network")).toList();
        this.directory = directory;
        this.pool = AddressPool.open(directory.resolve("leases"), subnet);
        this.links = new Links(commands, settings.bridgeName(), subnet);
        this.firewall = new Firewall(commands, settings.bridgeName(), subnet);
        this.resolver = ResolverConfig.resolve(settings.dnsServers(), ResolverConfig.HOST_RESOLV_CONF,
                ResolverConfig.SYSTEMD_RESOLVED_UPSTREAM);
        links.ensureBridge();
        this.mtu = settings.mtu() != 0 ? settings.mtu() : links.hostMtu();
        firewall.apply(settings.nat(), restricted, resolver.servers(), settings.allowHostAccess());
        if (settings.nat()) {
            enableForwarding();
        }
    }

    /**
     * Creates the bridge and its iptables chains if missing and (re)applies the settings' rules;
     * containers set up earlier, by this or an earlier JVM, keep working.
     *
     * @param stateDirectory the runtime's state directory; this network keeps its state in
     *     {@code network/<bridge>/} under it
     * @throws IllegalArgumentException if a setting is malformed
     * @throws RuntimeOperationException if the host refuses (not root, commands missing, the
     *     subnet overlaps a host route, the bridge has another subnet)
     */
    public static BridgeNetwork open(NetworkSettings settings, Path stateDirectory) {
        return new BridgeNetwork(settings, stateDirectory.resolve("network").resolve(settings.bridgeName()),
                new HostCommands(Duration.ofSeconds(30)));
    }

    public NetworkSettings settings() {
        return settings;
    }

    /** The DNS servers containers get (the configured ones, or the host's usable ones). */
    public List<String> dnsServers() {
        return resolver.servers().stream().map(Ipv4Address::toString).toList();
    }

    /** A valid host name for a handle: {@code _} becomes {@code -}, cut to 63 characters. */
    public static String hostnameFor(String handle) {
        String name = handle.replace('_', '-');
        name = name.length() > 63 ? name.substring(0, 63) : name;
        return name.replaceAll("[.-]+$", "");
    }

    /**
     * Gives a container its network: leases an address, creates the named namespace
     * {@code /run/netns/<bridge>.<handle>} with {@code eth0} (address, default route via the
     * bridge, {@code lo} up), the host end on the bridge, the container's firewall rule, and its
     * hosts, resolv.conf and hostname files. On failure everything done so far is undone.
     *
     * @throws RuntimeOperationException if the handle already has a network, no address is free,
     *     or a command fails (the message names it and its error)
     */
    public ContainerNetwork setUp(String handle, String hostname) {
        checkHandle(handle);
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("host name '" + hostname + "' must be 1 to 63 letters, digits, '-' or '.'"
                    + " starting and ending with a letter or digit; see BridgeNetwork.hostnameFor(handle)");
        }
        gcLock.readLock().lock();
        try {
            Ipv4Address address = pool.acquire(handle);
            try {
                String namespace = links.namespaceName(handle);
                links.disconnect(Links.vethName(address), namespace); // leftovers of a crash, if any
                links.connect(namespace, address, mtu);
                firewall.allowContainer(address, handle);
                ContainerNetwork network = describe(handle, hostname, address);
                writeFile(network.hostsFile(), hostsFile(address, hostname));
                writeFile(network.resolvConfFile(), resolver.fileContent());
                writeFile(network.hostnameFile(), hostname + "\n");
                return network;
            } catch (RuntimeException e) {
                try {
                    remove(handle, address);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /** The network of a container set up earlier (by this or an earlier instance), if it has a lease. */
    public Optional<ContainerNetwork> find(String handle) {
        return pool.addressOf(handle).map(address -> describe(handle, readHostname(handle), address));
    }

    /**
     * Takes a container's network away: its firewall rule, veth pair, namespace, files and,
     * last, its address lease. Idempotent: parts already gone are skipped.
     */
    public void tearDown(String handle) {
        checkHandle(handle);
        gcLock.readLock().lock();
        try {
            remove(handle, pool.addressOf(handle).orElse(null));
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /**
     * Removes every lease, interface, namespace, rule and file of this bridge that no handle in
     * {@code liveHandles} owns. Call it at start-up and on a timer with the handles of the
     * runtime's containers.
     */
    public NetworkGarbage collectGarbage(Set<String> liveHandles) {
        gcLock.writeLock().lock();
        try {
            pool.reload();
            List<String> leases = new ArrayList<>();
            for (Map.Entry<Ipv4Address, String> lease : pool.leases().entrySet()) {
                if (!liveHandles.contains(lease.getValue())) {
                    remove(lease.getValue().isEmpty() ? null : lease.getValue(), lease.getKey());
                    leases.add(lease.getValue().isEmpty() ? lease.getKey().toString() : lease.getValue());
                }
            }
            Set<Ipv4Address> leased = pool.leases().keySet();
            List<String> interfaces = new ArrayList<>();
            for (Ipv4Address address : links.vethAddresses()) {
                if (!leased.contains(address)) {
                    links.removeVeth(Links.vethName(address));
                    interfaces.add(Links.vethName(address));
                }
            }
            List<String> namespaces = new ArrayList<>();
            for (String handle : links.namespaceHandles()) {
                if (pool.addressOf(handle).isEmpty()) {
                    links.removeNamespace(links.namespaceName(handle));
                    namespaces.add(links.namespaceName(handle));
                }
            }
            List<String> rules = new ArrayList<>();
            for (Firewall.ContainerRule rule : firewall.containerRules()) {
                if (!leased.contains(rule.address())) {
                    firewall.delete(rule);
                    rules.add(rule.address().toString());
                }
            }
            removeOrphanFiles();
            NetworkGarbage garbage = new NetworkGarbage(leases, interfaces, namespaces, rules);
            if (!garbage.isEmpty()) {
                LOG.info("Network garbage collection on bridge {} removed {}", settings.bridgeName(), garbage);
            }
            return garbage;
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /**
     * Removes this network from the host: every container's network, the iptables chains and
     * jumps, the bridge and the state directory. For uninstalling and for tests; running
     * containers lose their network.
     */
    public void destroy() {
        collectGarbage(Set.of());
        firewall.remove();
        links.removeBridge();
        deleteRecursively(directory);
    }

    private void remove(String handle, Ipv4Address address) {
        if (address != null) {
            firewall.forbidContainer(address, handle);
        }
        links.disconnect(address == null ? null : Links.vethName(address), handle == null ? null : links.namespaceName(handle));
        if (handle != null) {
            deleteRecursively(containerDirectory(handle));
        }
        if (address != null) {
            pool.releaseAddress(address, handle);
        }
    }

    private ContainerNetwork describe(String handle, String hostname, Ipv4Address address) {
        Path files = containerDirectory(handle);
        return new ContainerNetwork(handle, hostname, Links.NETNS_DIRECTORY.resolve(links.namespaceName(handle)),
                Links.vethName(address), Links.CONTAINER_INTERFACE, address.toString(), subnet.prefixLength(),
                subnet.gateway().toString(), mtu, files.resolve("hosts"), files.resolve("resolv.conf"),
                files.resolve("hostname"));
    }

    private Path containerDirectory(String handle) {
        return directory.resolve("containers").resolve(handle);
    }

    private String readHostname(String handle) {
        try {
            return Files.readString(containerDirectory(handle).resolve("hostname"), StandardCharsets.UTF_8).strip();
        } catch (IOException missing) {
            return hostnameFor(handle);
        }
    }

    static String hostsFile(Ipv4Address address, String hostname) {
        return "127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + address + "\t" + hostname + "\n";
    }

    private void removeOrphanFiles() {
        Path containers = directory.resolve("containers");
        if (!Files.isDirectory(containers)) {
            return;
        }
        try (Stream<Path> entries = Files.list(containers)) {
            for (Path entry : entries.toList()) {
                if (pool.addressOf(entry.getFileName().toString()).isEmpty()) {
                    deleteRecursively(entry);
                }
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot list " + containers + ": " + e.getMessage(), e);
        }
    }

    private static void checkHandle(String handle) {
        if (!HANDLE.matcher(handle).matches()) {
            throw new IllegalArgumentException("container handle '" + handle
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private void enableForwarding() {
        try {
            if (!Files.readString(IP_FORWARD, StandardCharsets.US_ASCII).strip().equals("1")) {
                Files.writeString(IP_FORWARD, "1\n", StandardCharsets.US_ASCII);
                LOG.info("Turned on net.ipv4.ip_forward for NAT of bridge {}", settings.bridgeName());
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("NAT needs net.ipv4.ip_forward = 1 and " + IP_FORWARD + " cannot be written ("
                    + e.getMessage() + "): run as root, or set it yourself (sysctl -w net.ipv4.ip_forward=1)", e);
        }
    }

    private static void writeFile(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
