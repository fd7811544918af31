package dev.concourse.runtime.linux.internal;

import java.nio.file.Path;

/**
 * Where a container's things are: {@code containers/<handle>/} with {@code state.properties},
 * {@code upper/} and {@code work/} (the overlay's writable layer), {@code rootfs/} (the overlay's
 * mount point, every process's root) and {@code processes/}.
 */
record ContainerLayout(Path directory) {
    Path state() {
        return directory.resolve("state.properties");
    }

    Path upper() {
        return directory.resolve("upper");
    }

    Path work() {
        return directory.resolve("work");
    }

    Path rootfs() {
        return directory.resolve("rootfs");
    }

    Path processes() {
        return directory.resolve("processes");
    }
}
