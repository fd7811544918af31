package dev.concourse.runtime.linux.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where runc puts a process's cgroup ({@code /concourse-<id of the base directory>/<runc id>} in
 * each hierarchy: one parent per runtime, so the garbage collection of one never touches another's),
 * for reading its OOM-kill counter and removing left-overs. Handles cgroup v1 (with or without
 * the v2 {@code unified} hierarchy beside it) and pure v2.
 */
final class Cgroups {
    private final Path root;
    private final String parent;
    private final boolean unifiedOnly;

    Cgroups(Path root, Path baseDirectory) {
        this.root = root;
        this.parent = "concourse-" + Trees.sha256(baseDirectory.toString()).substring(0, 12);
        this.unifiedOnly = Files.exists(root.resolve("cgroup.controllers"));
    }

    String pathOf(String runcId) {
        return "/" + parent + "/" + runcId;
    }

    /** The file whose {@code oom_kill} line counts the process's OOM kills. */
    Path oomFile(String runcId) {
        return unifiedOnly
                ? root.resolve(parent).resolve(runcId).resolve("memory.events")
                : root.resolve("memory").resolve(parent).resolve(runcId).resolve("memory.oom_control");
    }

    /** This runtime's parent directories in every hierarchy. */
    List<Path> parents() {
        List<Path> parents = new ArrayList<>();
        if (unifiedOnly) {
            parents.add(root.resolve(parent));
            return parents;
        }
        try (Stream<Path> hierarchies = Files.list(root)) {
            hierarchies.map(h -> h.resolve(parent)).filter(Files::isDirectory).forEach(parents::add);
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
        for (Path dir : parents()) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                // still has cgroups of live processes: it stays
            }
        }
        return removed;
    }
}
