package dev.concourse.runtime.linux.internal.network;

import java.util.Optional;

/** An IPv4 address as its 32 bits (unsigned in an int). */
record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /** Parses dotted-quad notation ({@code 10.80.0.1}); empty if {@code text} is not one. */
    static Optional<Ipv4Address> tryParse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                return Optional.empty();
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return Optional.empty();
            }
            bits = (bits << 8) | octet;
        }
        return Optional.of(new Ipv4Address(bits));
    }

    static Ipv4Address parse(String text, String what) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                what + " '" + text + "' is not an IPv4 address such as 10.80.0.1"));
    }

    /** Eight lower-case hex digits, used in interface names. */
    String hex() {
        return String.format("%08x", bits);
    }

    static Optional<Ipv4Address> fromHex(String hex) {
        if (hex.length() != 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return Optional.empty();
        }
        return Optional.of(new Ipv4Address(Integer.parseUnsignedInt(hex, 16)));
    }

    boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    Ipv4Address plus(long offset) {
        return new Ipv4Address((int) (Integer.toUnsignedLong(bits) + offset));
    }

    @Override
    public int compareTo(Ipv4Address other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}
