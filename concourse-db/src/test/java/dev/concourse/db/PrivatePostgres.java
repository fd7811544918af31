package dev.concourse.db;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, which the test may stop and start (never the shared one):
 * {@code initdb} and {@code pg_ctl} of PostgreSQL 15 run as the {@code postgres} OS user, in a temp
 * directory, on a free port of 127.0.0.1. Without the binaries, the {@code postgres} user or root,
 * the test is skipped, except in CI ({@code CI=true}), where it fails. {@link #close()} stops the
 * server and deletes its directory; a JVM shutdown hook does the same if the test never gets there.
 */
final class PrivatePostgres implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String OS_USER = "postgres";

    private final Path directory;
    private final Path data;
    private final int port;
    private final Thread cleanup;
    private boolean closed;

    private PrivatePostgres(Path directory, int port) {
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = port;
        this.cleanup = new Thread(this::stopAndDelete, "private-postgres-cleanup");
    }

    /** Creates a cluster and starts it; skips (or fails in CI) without what it needs. */
    static PrivatePostgres start() throws IOException, InterruptedException {
        requirePrerequisites();
        Path directory = Files.createTempDirectory("concourse-pg-");
        PrivatePostgres server = new PrivatePostgres(directory, freePort());
        Runtime.getRuntime().addShutdownHook(server.cleanup);
        try {
            UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(directory, PosixFileAttributeView.class);
            UserPrincipal user = users.lookupPrincipalByName(OS_USER);
            GroupPrincipal group = users.lookupPrincipalByGroupName(OS_USER);
            view.setOwner(user);
            view.setGroup(group);
            server.asPostgres(60, BIN.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            server.startServer();
            return server;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
    }

    private static void requirePrerequisites() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("initdb", "pg_ctl", "postgres")) {
            if (!Files.isExecutable(BIN.resolve(tool))) {
                missing.add(BIN.resolve(tool) + " (install postgresql-15)");
            }
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
            missing.add("/usr/sbin/runuser");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (to run PostgreSQL as the postgres user)");
        }
        try {
            java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
        } catch (IOException | UnsupportedOperationException e) {
            missing.add("the OS user " + OS_USER);
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = "cannot run a private PostgreSQL for the restart test; missing: " + String.join(", ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        assumeTrue(false, why);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** The JDBC URL of the server's {@code postgres} database, as user postgres. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** Starts the server and waits until it accepts connections. */
    void startServer() throws IOException, InterruptedException {
        asPostgres(60, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                directory.resolve("server.log").toString(), "-w", "-t", "50", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -k " + directory, "start");
    }

    /**
     * Stops the server: {@code fast} disconnects clients and shuts down cleanly; {@code immediate}
     * kills it like a crash (it recovers from its write-ahead log at the next start).
     */
    void stopServer(String mode) throws IOException, InterruptedException {
        asPostgres(60, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode, "-w", "stop");
    }

    private String asPostgres(int timeoutSeconds, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", OS_USER, "--"));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output;
        try (var in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                    + process.exitValue() + ": " + text + serverLog());
        }
        return text;
    }

    private String serverLog() {
        try {
            Path log = directory.resolve("server.log");
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) anyway
        }
    }

    private void stopAndDelete() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                asPostgres(60, BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                        "stop");
            } catch (IOException | RuntimeException e) {
                // not running any more; delete it all the same
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete the private PostgreSQL in " + directory + ": "
                    + e.getMessage(), e);
        }
    }
}
