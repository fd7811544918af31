package dev.concourse.runtime.linux.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A runc version as {@code runc --version} prints it, compared against 1.1.12 (the fix of CVE-2024-21626). */
record RuncVersion(int major, int minor, int patch, String text) {
    static final RuncVersion FIXED = new RuncVersion(1, 1, 12, "1.1.12");
    private static final Pattern VERSION = Pattern.compile("runc version (\\d+)\\.(\\d+)\\.(\\d+)(\\S*)");

    static RuncVersion parse(String output) {
        Matcher m = VERSION.matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("not a runc version: " + output.strip());
        }
        return new RuncVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), m.group(1) + "." + m.group(2) + "." + m.group(3) + m.group(4));
    }

    boolean olderThan(RuncVersion other) {
        if (major != other.major) {
            return major < other.major;
        }
        if (minor != other.minor) {
            return minor < other.minor;
        }
        return patch < other.patch;
    }
}
