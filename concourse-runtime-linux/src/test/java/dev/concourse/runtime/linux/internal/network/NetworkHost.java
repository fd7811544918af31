package dev.concourse.runtime.linux.internal.network;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the network tests need from the host, and the commands they run. Without root or the
 * tools the tests fail when {@code CI=true} (CI must run them) and are skipped elsewhere.
 */
final class NetworkHost {

    private NetworkHost() {}

    static void requirePrerequisites() {
        List<String> missing = new ArrayList<>();
        try {
            if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
                missing.add("root (uid 0)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            missing.add("root (uid 0; cannot tell: " + e.getMessage() + ")");
        }
        for (String tool : List.of("ip", "iptables", "iptables-restore", "busybox")) {
            if (List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").stream()
                    .noneMatch(dir -> Files.isExecutable(Path.of(dir, tool)))) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String message = "Network tests need " + String.join(", ", missing)
                    + " (Debian: apt-get install iproute2 iptables busybox-static; run as root)";
            if ("true".equals(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
    }

    /** Exit code of a command, which must end within 20 s; output goes to the returned text too. */
    static Run run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("'" + String.join(" ", command) + "' did not finish within 20 s");
            }
            return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    record Run(int exitCode, String output) {}

    /** Whether one ping from inside {@code namespace} (or the host, if null) to {@code address} is answered. */
    static boolean ping(String namespace, String address) {
        Run run = namespace == null ? run("busybox", "ping", "-c", "1", "-W", "1", address)
                : run("ip", "netns", "exec", namespace, "busybox", "ping", "-c", "1", "-W", "1", address);
        return run.exitCode() == 0;
    }

    /**
     * Whether a line sent over TCP from {@code clientNamespace} to {@code address:port} arrives
     * at a listener in {@code serverNamespace}.
     */
    static boolean tcpDelivers(String clientNamespace, String serverNamespace, String address, int port) {
        try {
            Process listener = new ProcessBuilder("ip", "netns", "exec", serverNamespace, "busybox", "nc", "-l", "-p",
                    Integer.toString(port)).redirectErrorStream(true).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!run("ip", "netns", "exec", serverNamespace, "busybox", "netstat", "-ltn").output()
                        .contains(":" + port + " ")) {
                    if (System.nanoTime() > deadline || !listener.isAlive()) {
                        fail("the test's listener on port " + port + " in " + serverNamespace + " did not start");
                    }
                    Thread.onSpinWait();
                }
                Process client = new ProcessBuilder("ip", "netns", "exec", clientNamespace, "busybox", "nc", "-w", "1", address,
                        Integer.toString(port)).redirectErrorStream(true).start();
                client.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().close();
                if (!client.waitFor(10, TimeUnit.SECONDS)) {
                    client.destroyForcibly();
                    fail("nc to " + address + ":" + port + " did not finish within 10 s");
                }
                if (!listener.waitFor(client.exitValue() == 0 ? 5 : 0, TimeUnit.SECONDS)) {
                    return false;
                }
                return new String(listener.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("hello");
            } finally {
                listener.destroyForcibly();
                listener.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run nc", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static boolean interfaceExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    static boolean namespaceExists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    static String iptables(String table, String chain) {
        return run("iptables", "-w", "10", "-t", table, "-S", chain).output();
    }
}
