package dev.concourse.runtime.linux.internal;

import java.nio.file.Path;

/**
 * Where a volume's things are: {@code volumes/<handle>/} with {@code state.properties} and
 * {@code data/}, what containers mount and tar streams read and write. A plain volume's
 * {@code data/} is a directory; a layered one's is the mount point of an overlay of read-only
 * {@code layer-<n>/} directories (its own and its ancestors') under its {@code upper/} (with the
 * overlay's {@code work/}).
 */
record VolumeLayout(Path directory) {
    static final String LAYER_PREFIX = "layer-";

    String handle() {
        return directory.getFileName().toString();
    }

    Path state() {
        return directory.resolve("state.properties");
    }

    Path data() {
        return directory.resolve("data");
    }

    Path upper() {
        return directory.resolve("upper");
    }

    Path work() {
        return directory.resolve("work");
    }

    /** Its {@code n}-th frozen layer; named {@code <handle>/layer-<n>} in a lower list. */
    String layerName(int n) {
        return handle() + "/" + LAYER_PREFIX + n;
    }
}
