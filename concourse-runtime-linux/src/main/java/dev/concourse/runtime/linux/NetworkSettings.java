package dev.concourse.runtime.linux;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How containers of the runc runtime are networked: each gets its own network namespace with one
 * end of a veth pair, the other end on a Linux bridge of this host, an address of
 * {@link #subnet()} whose first host address is the bridge's, and a default route through it.
 * Immutable; start from {@link #defaults()} and change what you need with the {@code with...}
 * methods.
 *
 * @param bridgeName the bridge's interface name (1 to 15 letters, digits, {@code _}, {@code -});
 *     its iptables chains are named {@code CC-<bridgeName>-FWD|CTR|IN|NAT}
 * @param subnet the containers' IPv4 network in CIDR notation, {@code /30} or larger; must not
 *     overlap the host's other routes
 * @param nat whether traffic leaving the host from containers is masqueraded behind the host's
 *     address (turns on {@code net.ipv4.ip_forward}, which stays on)
 * @param restrictedNetworks CIDRs containers may not reach (outside their own bridge)
 * @param allowHostAccess whether containers may open connections to this host's own addresses;
 *     replies to connections the host opens are always allowed
 * @param dnsServers IPv4 DNS servers for the containers' {@code /etc/resolv.conf}; empty: the
 *     host's, from {@code /etc/resolv.conf}, without loopback resolvers
 * @param mtu the MTU of the containers' interfaces; 0: that of the interface of the host's default
 *     route (1500 if there is none)
 */
public record NetworkSettings(
        String bridgeName,
        String subnet,
        boolean nat,
        List<String> restrictedNetworks,
        boolean allowHostAccess,
        List<String> dnsServers,
        int mtu) {

    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,15}");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}(/\\d{1,2})?");
    private static final Pattern ADDRESS = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");

    /** Checks the values: a malformed name, CIDR or address is an {@link IllegalArgumentException}. */
    public NetworkSettings {
        Objects.requireNonNull(bridgeName, "bridgeName");
        Objects.requireNonNull(subnet, "subnet");
        restrictedNetworks = List.copyOf(restrictedNetworks);
        dnsServers = List.copyOf(dnsServers);
        if (!BRIDGE_NAME.matcher(bridgeName).matches()) {
            throw new IllegalArgumentException("bridge name '" + bridgeName
                    + "' must be 1 to 15 letters, digits, '_' or '-' (a Linux interface name)");
        }
        if (!CIDR.matcher(subnet).matches() || !subnet.contains("/")) {
            throw new IllegalArgumentException("subnet '" + subnet + "' is not an IPv4 CIDR such as 10.80.0.0/16");
        }
        int prefix = Integer.parseInt(subnet.substring(subnet.indexOf('/') + 1));
        if (prefix > 30) {
            throw new IllegalArgumentException("subnet '" + subnet + "' has no room for containers: use /30 or larger");
        }
        for (String cidr : restrictedNetworks) {
            if (!CIDR.matcher(cidr).matches()) {
                throw new IllegalArgumentException("restricted network '" + cidr + "' is not an IPv4 CIDR such as 10.0.0.0/8");
            }
        }
        for (String server : dnsServers) {
            if (!ADDRESS.matcher(server).matches()) {
                throw new IllegalArgumentException("DNS server '" + server + "' is not an IPv4 address such as 10.0.0.2");
            }
        }
        if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
            throw new IllegalArgumentException("MTU " + mtu + " is not between 68 and 65535 (or 0 for the host's)");
        }
    }

    /**
     * Bridge {@code concourse0}, subnet {@code 10.80.0.0/16}, NAT on, no restricted networks, no
     * host access, the host's DNS servers, the host's MTU.
     */
    public static NetworkSettings defaults() {
        return new NetworkSettings("concourse0", "10.80.0.0/16", true, List.of(), false, List.of(), 0);
    }

    public NetworkSettings withBridgeName(String bridgeName) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }

    public NetworkSettings withSubnet(String subnet) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }

    public NetworkSettings withNat(boolean nat) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }

    public NetworkSettings withRestrictedNetworks(List<String> restrictedNetworks) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }

    public NetworkSettings withAllowHostAccess(boolean allowHostAccess) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }

    public NetworkSettings withDnsServers(List<String> dnsServers) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }

    public NetworkSettings withMtu(int mtu) {
        return new NetworkSettings(bridgeName, subnet, nat, restrictedNetworks, allowHostAccess, dnsServers, mtu);
    }
}
