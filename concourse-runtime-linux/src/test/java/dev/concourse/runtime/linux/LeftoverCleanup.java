package dev.concourse.runtime.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A safety net after each runc test, also when it failed half-way: deletes the runc containers of
 * the runtimes the test {@linkplain #track tracked} and unmounts what is still mounted under their
 * base directories, so no test leaves containers or mounts on the machine. Runs after the test's
 * own clean-up; when that worked it finds nothing. Only tracked directories are touched, so tests
 * of other JVMs on the same machine are left alone.
 */
final class LeftoverCleanup implements AfterEachCallback {
    private static final Set<Path> BASES = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Registers a runtime's base directory for clean-up after the current test; returns it. */
    static Path track(Path base) {
        BASES.add(base.toAbsolutePath().normalize());
        return base;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<Path> bases = List.copyOf(BASES);
        BASES.clear();
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && bases.stream().anyMatch(b -> fields[4].startsWith(b + "/containers/")
                    || fields[4].startsWith(b + "/volumes/"))) {
                points.add(fields[4]);
            }
        }
        Set<Path> runcRoots = new LinkedHashSet<>();
        for (Path base : bases) {
            runcRoots.add(base.resolve("runc"));
        }
        for (Path root : runcRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> ids = Files.list(root)) {
                for (Path id : ids.toList()) {
                    run("runc", "--root", root.toString(), "delete", "--force", id.getFileName().toString());
                }
            }
        }
        for (String point : points.reversed()) {
            run("umount", "-l", point);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
