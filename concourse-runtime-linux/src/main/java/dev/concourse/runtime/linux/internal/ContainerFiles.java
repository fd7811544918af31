package dev.concourse.runtime.linux.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a container's files from the host, as its processes would see them: container paths map to
 * the root file system's overlay mount or to a mounted volume, and symbolic links are followed
 * inside the container (an absolute target starts again at the container's root, never the host's).
 * Used to find executables and users before a process starts, so mistakes are reported by
 * {@code run} with a clear message.
 */
final class ContainerFiles {
    private static final int MAX_LINKS = 40;

    private final Path root;
    /** Mount points (absolute container paths) with their host directories, longest first. */
    private final List<Map.Entry<String, Path>> mounts;

    ContainerFiles(Path root, Map<String, Path> mounts) {
        this.root = root;
        this.mounts = new ArrayList<>(mounts.entrySet());
        this.mounts.sort(Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length()).reversed());
    }

    /** The host path of an absolute container path, links resolved; empty if it does not exist. */
    Optional<Path> resolve(String containerPath) {
        Deque<String> pending = new ArrayDeque<>(components(containerPath));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            resolved.add(part);
            Path host = hostPath(resolved);
            if (Files.isSymbolicLink(host)) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                String target;
                try {
                    target = Files.readSymbolicLink(host).toString();
                } catch (IOException e) {
                    return Optional.empty();
                }
                resolved.removeLast();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                List<String> targetParts = components(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    pending.addFirst(targetParts.get(i));
                }
            } else if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS) && !leadsToMount(resolved)) {
                return Optional.empty();
            }
        }
        return Optional.of(hostPath(resolved));
    }

    /** Whether an absolute container path is an executable regular file. */
    boolean isExecutable(String containerPath) {
        return resolve(containerPath).filter(Files::isRegularFile).filter(p -> {
            try {
                return Files.getPosixFilePermissions(p).stream().anyMatch(perm -> perm.name().endsWith("EXECUTE"));
            } catch (IOException e) {
                return false;
            }
        }).isPresent();
    }

    /** The lines of a text file in the container, or none. */
    List<String> lines(String containerPath) {
        return resolve(containerPath).filter(Files::isRegularFile).map(p -> {
            try {
                return Files.readAllLines(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.<String>of();
            }
        }).orElse(List.of());
    }

    /** Whether the path is a parent of a mount point (runc creates those directories when it mounts). */
    private boolean leadsToMount(List<String> parts) {
        String path = "/" + String.join("/", parts) + "/";
        return mounts.stream().anyMatch(m -> m.getKey().startsWith(path));
    }

    private Path hostPath(List<String> parts) {
        String path = "/" + String.join("/", parts);
        for (Map.Entry<String, Path> mount : mounts) {
            String point = mount.getKey();
            if (path.equals(point) || path.startsWith(point + "/")) {
                String rest = path.substring(point.length());
                return rest.isEmpty() ? mount.getValue() : mount.getValue().resolve(rest.substring(1));
            }
        }
        return parts.isEmpty() ? root : root.resolve(String.join("/", parts));
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
