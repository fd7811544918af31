package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Overlay mounts through {@code mount}/{@code umount}, and what {@code /proc/self/mountinfo} says is mounted. */
final class Mounts {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final Commands commands;

    Mounts(Commands commands) {
        this.commands = commands;
    }

    /**
     * The longest mount options an overlay may have: the kernel takes them in one page (4096
     * bytes), some of which {@code mount} uses itself.
     */
    static final int MAX_OPTIONS = 3800;

    /** Mounts an overlay of {@code lower} (read-only) and {@code upper} at {@code target}. */
    void overlay(Path lower, Path upper, Path work, Path target) {
        overlay(List.of(lower), upper, work, target);
    }

    /**
     * Mounts an overlay of the read-only {@code lowers} (the first one on top, as in
     * {@code lowerdir=a:b:c}) and {@code upper} at {@code target}.
     */
    void overlay(List<Path> lowers, Path upper, Path work, Path target) {
        String options = overlayOptions(lowers, upper, work);
        if (options.length() > MAX_OPTIONS) {
            throw new RuntimeOperationException("cannot mount the overlay file system at " + target + ": its "
                    + lowers.size() + " lower layers make the mount options longer than " + MAX_OPTIONS + " bytes");
        }
        commands.run("cannot mount the overlay file system at " + target,
                List.of("mount", "-t", "overlay", "overlay", "-o", options, target.toString()));
    }

    /** The mount options of such an overlay. */
    static String overlayOptions(List<Path> lowers, Path upper, Path work) {
        StringBuilder lowerdir = new StringBuilder();
        for (Path lower : lowers) {
            lowerdir.append(lowerdir.isEmpty() ? "" : ":").append(escape(lower));
        }
        return "lowerdir=" + lowerdir + ",upperdir=" + escape(upper) + ",workdir=" + escape(work);
    }

    /** Unmounts whatever is mounted at {@code target} (lazily if busy); nothing mounted is fine. */
    void unmount(Path target) {
        while (isMounted(target)) {
            Commands.Result result = commands.tryRun(List.of("umount", target.toString()));
            if (!result.ok()) {
                Commands.Result lazy = commands.tryRun(List.of("umount", "-l", target.toString()));
                if (!lazy.ok() && isMounted(target)) {
                    throw new RuntimeOperationException("cannot unmount " + target + ": " + lazy.describe());
                }
            }
        }
    }

    boolean isMounted(Path target) {
        return mountPoints().contains(target.toAbsolutePath().normalize().toString());
    }

    /** Every mount point of this mount namespace, unescaped. */
    static List<String> mountPoints() {
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    points.add(unescape(fields[4]));
                }
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot read " + MOUNTINFO + ": " + e.getMessage(), e);
        }
        return points;
    }

    private static String escape(Path path) {
        String text = path.toString();
        if (text.contains(",") || text.contains(":")) {
            throw new RuntimeOperationException("cannot use " + text + " in an overlay mount: the path contains ','"
                    + " or ':'; choose a state directory without them");
        }
        return text;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
