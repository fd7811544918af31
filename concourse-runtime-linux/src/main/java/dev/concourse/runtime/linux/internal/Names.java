package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Handles, host names, container paths and directory listings of the worker. */
final class Names {
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Names() {
    }

    static boolean isHandle(String handle) {
        return HANDLE.matcher(handle).matches();
    }

    /** Unprivileged containers reach their root file system and volumes only if every parent is searchable. */
    static void checkSearchable(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            int[] stat = Posix.lstat(p.toString());
            if ((stat[2] & 01) == 0) {
                throw new RuntimeOperationException("the runc runtime's base directory is inside " + p + ", which "
                        + "others cannot search (mode " + Integer.toOctalString(stat[2] & 07777) + "); unprivileged "
                        + "containers could not reach their files: chmod o+x " + p + " or choose another directory");
            }
        }
    }

    /** An absolute path without {@code .}, {@code ..} and empty components. */
    static String normalize(String absolutePath) {
        List<String> parts = new ArrayList<>();
        for (String part : absolutePath.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    static String hostnameFor(String handle) {
        String name = handle.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        name = name.length() > 63 ? name.substring(0, 63) : name;
        name = name.replaceAll("^-+", "").replaceAll("-+$", "");
        return name.isEmpty() ? "container" : name;
    }

    /**
     * Eight random hex digits, to tell apart the runc containers of one container's processes and
     * the directories set aside for deletion: unique enough among those, and far cheaper than a
     * {@code UUID.randomUUID()} from the secure random source on every process start.
     */
    static String randomSuffix() {
        return java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    static String handleFor(String requested, String kind) {
        if (requested == null) {
            return UUID.randomUUID().toString();
        }
        if (!HANDLE.matcher(requested).matches()) {
            throw new RuntimeOperationException("invalid " + kind + " handle '" + requested + "': use 1 to 128 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        return requested;
    }

    static List<String> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
