package dev.concourse.runtime.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A minimal root file system made of the host's static busybox, built in a directory by the tests. */
final class BusyboxRootfs {
    private static final List<String> APPLETS = List.of("sh", "echo", "cat", "sleep", "true", "false", "pwd", "test",
            "[", "ls", "ps", "id", "mount", "umount", "insmod", "head", "tail", "tr", "wc", "grep", "mkdir", "rm", "env",
            "kill", "touch", "chmod", "cp", "mv", "dd", "hostname", "stat", "readlink", "sed", "printf", "whoami",
            "uname", "nc", "ip");

    private BusyboxRootfs() {
    }

    /** Builds it in {@code dir}/rootfs and returns that directory. */
    static Path build(Path dir) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Prerequisites.BUSYBOX, bin.resolve("busybox"));
        for (String applet : APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        for (String d : List.of("etc", "tmp", "proc", "sys", "dev", "root", "home/user", "usr/bin")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.writeString(rootfs.resolve("etc/passwd"),
                "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n", StandardCharsets.UTF_8);
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nuser:x:1000:\n", StandardCharsets.UTF_8);
        return rootfs;
    }
}
