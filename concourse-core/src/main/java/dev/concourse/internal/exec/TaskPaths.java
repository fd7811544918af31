package dev.concourse.internal.exec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;

/**
 * Where things are inside a task's container, as Concourse lays it out
 * ({@code atc/engine/step_factory.go}, {@code atc/exec/task_step.go}): the working directory is
 * {@code /tmp/build/} plus the first 4 bytes of the SHA-256 of the task's name in hex; inputs,
 * outputs and caches sit at their {@code path} (default: their name) relative to it; {@code ..} is
 * removed from relative paths and absolute paths are used as they are.
 */
final class TaskPaths {

    private TaskPaths() {
    }

    static String workingDirectory(String taskName) {
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256").digest(taskName.getBytes(StandardCharsets.UTF_8));
            return "/tmp/build/" + HexFormat.of().formatHex(sum, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@code path}, or {@code name} when it has none, resolved against the working directory. */
    static String artifactPath(String workingDir, String name, String path) {
        return resolve(workingDir, path == null || path.isEmpty() ? name : path);
    }

    /** Concourse's {@code resolvePath}: absolute paths stay, relative ones lose {@code ..} and join. */
    static String resolve(String workingDir, String path) {
        if (path == null || path.isEmpty()) {
            return clean(workingDir);
        }
        if (path.startsWith("/")) {
            return clean(path);
        }
        return clean(workingDir + "/" + path.replace("..", ""));
    }

    /** Go's {@code filepath.Clean} for slash-separated paths. */
    static String clean(String path) {
        boolean absolute = path.startsWith("/");
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                    parts.removeLast();
                } else if (!absolute) {
                    parts.addLast(part);
                }
                continue;
            }
            parts.addLast(part);
        }
        String joined = String.join("/", parts);
        if (absolute) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }
}
