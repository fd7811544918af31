package dev.concourse.runtime.linux.internal.network;

/**
 * An IPv4 network in CIDR notation. The first host address is the bridge's (the containers'
 * gateway); the others up to the broadcast address are for containers.
 */
record Ipv4Subnet(Ipv4Address network, int prefixLength) {

    Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not between 0 and 32");
        }
        if ((network.bits() & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("'" + network + "/" + prefixLength + "' has host bits set; the network is "
                    + new Ipv4Address(network.bits() & mask(prefixLength)) + "/" + prefixLength);
        }
    }

    /** Parses {@code 10.80.0.0/16}; a bare address is a /32. */
    static Ipv4Subnet parse(String text, String what) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 2 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException(what + " '" + text + "' is not a CIDR such as 10.80.0.0/16");
            }
            prefix = Integer.parseInt(digits);
        }
        try {
            return new Ipv4Subnet(Ipv4Address.parse(address, what), prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + text + "': " + e.getMessage(), e);
        }
    }

    static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    boolean contains(Ipv4Address address) {
        return (address.bits() & mask(prefixLength)) == network.bits();
    }

    boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (network.bits() & mask(shorter)) == (other.network.bits() & mask(shorter));
    }

    /** Number of addresses, network and broadcast included. */
    long size() {
        return 1L << (32 - prefixLength);
    }

    Ipv4Address gateway() {
        return network.plus(1);
    }

    Ipv4Address broadcast() {
        return network.plus(size() - 1);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
