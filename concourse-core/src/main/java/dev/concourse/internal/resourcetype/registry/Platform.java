package dev.concourse.internal.resourcetype.registry;

import java.util.Locale;

/**
 * An image's platform as OCI indexes name it.
 *
 * @param os           {@code linux}...
 * @param architecture {@code amd64}, {@code arm64}...
 * @param variant      {@code v8}, {@code v7}... or empty (then any variant matches)
 */
public record Platform(String os, String architecture, String variant) {
    public Platform {
        os = os == null ? "" : os;
        architecture = architecture == null ? "" : architecture;
        variant = variant == null ? "" : variant;
    }

    /**
     * The platform of {@code os} and {@code architecture}, with {@code arm64/v8} style variants;
     * blanks default to {@code linux} and this JVM's architecture in Go's names.
     */
    public static Platform of(String os, String architecture) {
        String arch = architecture == null || architecture.isEmpty() ? jvmArchitecture() : architecture;
        String variant = "";
        int slash = arch.indexOf('/');
        if (slash >= 0) {
            variant = arch.substring(slash + 1);
            arch = arch.substring(0, slash);
        }
        return new Platform(os == null || os.isEmpty() ? "linux" : os, arch, variant);
    }

    /** This JVM's architecture as Go's {@code GOARCH} names it. */
    static String jvmArchitecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "386";
            case "arm", "arm32" -> "arm";
            default -> arch; // ppc64le, s390x, riscv64 are the same in both
        };
    }

    /** Whether an index entry of platform {@code other} is an image for this platform. */
    boolean accepts(Platform other) {
        return os.equals(other.os()) && architecture.equals(other.architecture())
                && (variant.isEmpty() || variant.equals(other.variant()));
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
