package dev.concourse.runtime;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Maps a container's paths onto its directory on the host: container path {@code /a/b} is
 * {@code <container directory>/a/b}. Like a real root, {@code ..} never climbs above {@code /}.
 */
final class ContainerPaths {
    private final Path root;

    ContainerPaths(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** {@code path} made absolute against {@code base} and normalised: {@code /}-separated, no {@code .} or {@code ..}. */
    static String normalize(String base, String path) {
        String joined = path.startsWith("/") ? path : base + "/" + path;
        Deque<String> parts = new ArrayDeque<>();
        for (String part : joined.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** Where a normalised container path is on the host. */
    Path host(String containerPath) {
        String relative = normalize("/", containerPath).substring(1);
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    /**
     * Finds the programs that may run for a process's {@code path}, best first: an absolute
     * container path in the image's root file system ({@code rootfs}, when the container has one),
     * then in the container directory, then the same path on the host; a relative path with a
     * slash against the working directory; a bare name in each directory of {@code searchPath}
     * (each looked up in the container directory, then on the host: not in the image, whose
     * programs may not run on this host, so {@code sh} stays the host's).
     *
     * @param rootfs the image's root file system on the host, or null
     * @return the executables found (the first directory of the search path that has one gives
     *         them all), or an empty list with the places looked at added to {@code tried}
     */
    List<Path> executables(String path, Path rootfs, Path workingDir, String searchPath, List<Path> tried) {
        if (path.isEmpty()) {
            return List.of();
        }
        if (path.contains("/") || path.contains(File.separator)) {
            List<Path> candidates = new ArrayList<>();
            if (rootfs != null && path.startsWith("/")) {
                String relative = normalize("/", path).substring(1);
                if (!relative.isEmpty()) {
                    candidates.add(rootfs.resolve(relative));
                }
            }
            candidates.addAll(candidates(path, workingDir));
            return allExecutable(candidates, tried);
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                List<Path> found = allExecutable(candidates(dir.endsWith("/") ? dir + path : dir + "/" + path,
                        workingDir), tried);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        return List.of();
    }

    private List<Path> candidates(String path, Path workingDir) {
        List<Path> candidates = new ArrayList<>(2);
        try {
            if (path.startsWith("/")) {
                candidates.add(host(path));
                candidates.add(Path.of(path));
            } else if (Path.of(path).isAbsolute()) { // a Windows host path
                candidates.add(Path.of(path));
            } else {
                candidates.add(workingDir.resolve(path).normalize());
            }
        } catch (InvalidPathException e) {
            // not a path on this host: nothing to find there
        }
        return candidates;
    }

    private static List<Path> allExecutable(List<Path> candidates, List<Path> tried) {
        List<Path> found = new ArrayList<>();
        for (Path candidate : candidates) {
            tried.add(candidate);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                found.add(candidate);
            }
        }
        return found;
    }
}
