package dev.concourse.runtime.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the runc tests need: root, runc, a static tini and a static busybox. In CI ({@code CI} set)
 * a missing one fails the test; elsewhere it skips it, saying what to install.
 */
final class Prerequisites {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private Prerequisites() {
    }

    static void require() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (run the tests as root)");
        }
        if (!onPath("runc")) {
            missing.add("runc (apt-get install runc)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/tini-static"))) {
            missing.add("/usr/bin/tini-static (apt-get install tini)");
        }
        if (!Files.isExecutable(BUSYBOX)) {
            missing.add("a static /bin/busybox (apt-get install busybox-static)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the runc runtime tests need " + String.join(", ", missing);
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty()) {
            fail(message + " (CI is set, so this fails instead of skipping; .ci/run installs them)");
        }
        Assumptions.abort(message);
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
