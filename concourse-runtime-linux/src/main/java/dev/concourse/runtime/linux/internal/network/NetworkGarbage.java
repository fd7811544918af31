package dev.concourse.runtime.linux.internal.network;

import java.util.List;

/**
 * What {@link BridgeNetwork#collectGarbage} removed.
 *
 * @param leases handles whose address leases were released (with their interfaces, namespaces,
 *     rules and files)
 * @param interfaces host veth interfaces removed without a lease
 * @param namespaces network namespaces removed without a lease
 * @param rules container rules removed without a lease, by the address they let out
 */
public record NetworkGarbage(List<String> leases, List<String> interfaces, List<String> namespaces, List<String> rules) {

    public NetworkGarbage {
        leases = List.copyOf(leases);
        interfaces = List.copyOf(interfaces);
        namespaces = List.copyOf(namespaces);
        rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return leases.isEmpty() && interfaces.isEmpty() && namespaces.isEmpty() && rules.isEmpty();
    }
}
