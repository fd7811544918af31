package dev.concourse.runtime.linux.internal.network;

import java.nio.file.Path;

/**
 * A container's network as {@link BridgeNetwork#setUp} made it. The runtime joins the namespace
 * ({@code linux.namespaces: [{type: network, path: namespacePath}]} in the OCI config), sets the
 * OCI {@code hostname} and bind-mounts the three files read-only at {@code /etc/hosts},
 * {@code /etc/resolv.conf} and {@code /etc/hostname}.
 *
 * @param handle the container's handle
 * @param hostname the container's host name, in its {@code /etc/hosts}
 * @param namespacePath the named network namespace, {@code /run/netns/<bridge>.<handle>}
 * @param hostInterface the host end of the veth pair, on the bridge ({@code ccv<address in hex>})
 * @param containerInterface the container end, {@code eth0}
 * @param address the container's IPv4 address
 * @param prefixLength the subnet's prefix length
 * @param gateway the bridge's address, the container's default route
 * @param mtu the MTU of both veth ends
 * @param hostsFile the container's {@code /etc/hosts}
 * @param resolvConfFile the container's {@code /etc/resolv.conf}
 * @param hostnameFile the container's {@code /etc/hostname}
 */
public record ContainerNetwork(
        String handle,
        String hostname,
        Path namespacePath,
        String hostInterface,
        String containerInterface,
        String address,
        int prefixLength,
        String gateway,
        int mtu,
        Path hostsFile,
        Path resolvConfFile,
        Path hostnameFile) {

    /** The network namespace's name, for {@code ip netns exec} and {@code ip -n}. */
    public String namespaceName() {
        return namespacePath.getFileName().toString();
    }
}
