package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * The process supervisor ({@code src/main/c/supervisor.c}, see {@link ProcessLauncher}), which the
 * Maven build compiles into the jar for the build machine's architecture. At start-up the runtime
 * copies it to {@code bin/supervisor-<digest>} under its base directory (root's, not listable by
 * others), so a supervisor outliving the engine never runs from a jar or a shared temporary
 * directory, and a new jar's supervisor does not replace the file of one still running.
 */
final class SupervisorBinary {
    private static final String RESOURCE = "supervisor-linux-" + System.getProperty("os.arch");

    private SupervisorBinary() {
    }

    /** The supervisor under {@code baseDirectory/bin}, copied there from the jar if it is not yet. */
    static Path install(Path baseDirectory) {
        byte[] binary = read();
        String digest = sha256(binary).substring(0, 16);
        Path bin = baseDirectory.resolve("bin");
        Path target = bin.resolve("supervisor-" + digest);
        try {
            Files.createDirectories(bin);
            Posix.chmod(bin.toString(), 0711);
            if (!Files.isExecutable(target) || Files.size(target) != binary.length) {
                Path temp = bin.resolve("supervisor-" + digest + ".tmp");
                Files.write(temp, binary);
                Posix.chmod(temp.toString(), 0755);
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            removeOthers(bin, target);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot install the process supervisor at " + target + ": "
                    + e.getMessage(), e);
        }
        return target;
    }

    private static byte[] read() {
        try (InputStream in = SupervisorBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new RuntimeOperationException("this build of concourse-runtime-linux has no process supervisor"
                        + " for " + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " (resource "
                        + SupervisorBinary.class.getPackageName().replace('.', '/') + "/" + RESOURCE + "); build it"
                        + " on Linux on this architecture with a C compiler and static C library installed (Debian:"
                        + " apt-get install gcc libc6-dev), which compiles src/main/c/supervisor.c into the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot read the process supervisor " + RESOURCE + " from the jar: "
                    + e.getMessage(), e);
        }
    }

    /** Older supervisors: a running one keeps its file open through the kernel, so deleting is safe. */
    private static void removeOthers(Path bin, Path current) throws IOException {
        try (Stream<Path> files = Files.list(bin)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("supervisor-") && !file.equals(current) && !name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
