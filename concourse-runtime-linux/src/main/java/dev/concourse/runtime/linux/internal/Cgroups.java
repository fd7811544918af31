package dev.concourse.runtime.linux.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where runc puts a process's cgroup ({@code /concourse/<runc id>} in each hierarchy), for reading
 * its OOM-kill counter and removing left-overs. Handles cgroup v1 (with or without the v2
 * {@code unified} hierarchy beside it) and pure v2.
 */
final class Cgroups {
    static final String PARENT = "concourse";
    private final Path root;
    private final boolean unifiedOnly;

    Cgroups(Path root) {
        this.root = root;
        this.unifiedOnly = Files.exists(root.resolve("cgroup.controllers"));
    }

    static String pathOf(String runcId) {
        return "/" + PARENT + "/" + runcId;
    }

    /** The file whose {@code oom_kill} line counts the process's OOM kills. */
    Path oomFile(String runcId) {
        return unifiedOnly
                ? root.resolve(PARENT).resolve(runcId).resolve("memory.events")
                : root.resolve("memory").resolve(PARENT).resolve(runcId).resolve("memory.oom_control");
    }

    /** The {@code concourse} directories of every hierarchy. */
    List<Path> parents() {
        List<Path> parents = new ArrayList<>();
        if (unifiedOnly) {
            parents.add(root.resolve(PARENT));
            return parents;
        }
        try (Stream<Path> hierarchies = Files.list(root)) {
            hierarchies.map(h -> h.resolve(PARENT)).filter(Files::isDirectory).forEach(parents::add);
        } catch (IOException e) {
            // no cgroup file system: nothing to collect
        }
        return parents;
    }

    /** Removes the (empty) cgroups of runc ids not in {@code live}; returns how many. */
    int collect(java.util.Set<String> live) {
        int removed = 0;
        for (Path parent : parents()) {
            try (Stream<Path> groups = Files.list(parent)) {
                for (Path group : groups.filter(Files::isDirectory).toList()) {
                    if (!live.contains(group.getFileName().toString())) {
                        try {
                            Files.delete(group);
                            removed++;
                        } catch (IOException e) {
                            // still has processes, or is already gone: next time
                        }
                    }
                }
            } catch (IOException e) {
                // the hierarchy went away
            }
        }
        return removed;
    }
}
