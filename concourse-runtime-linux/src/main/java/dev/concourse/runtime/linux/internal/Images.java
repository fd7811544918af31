package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Root file systems as overlay lower layers. A privileged container uses the image directory
 * itself. An unprivileged one needs files owned by its mapped range (runc 1.1 has no idmapped
 * mounts), so it uses a copy with shifted owners, {@code images/<digest>/rootfs}, made once per
 * image content and shared by every container of that image; a changed image directory (by
 * names, sizes, times) gets a new copy. Copies no container uses are removed by the garbage
 * collector.
 */
final class Images {
    private final Path directory;
    private final IdMap idMap;
    private final Commands commands;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    Images(Path directory, IdMap idMap, Commands commands) {
        this.directory = directory;
        this.idMap = idMap;
        this.commands = commands;
    }

    /** The lower layer for a container of {@code rootfs} (an existing directory). */
    Path lowerLayer(Path rootfs, boolean privileged) {
        Path real;
        String shape;
        try {
            real = rootfs.toRealPath();
            if (privileged) {
                return real;
            }
            shape = Trees.shapeDigest(real);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot read the image " + rootfs + ": " + e.getMessage(), e);
        }
        String key = Trees.sha256(real + "\0" + idMap + "\0" + shape).substring(0, 32);
        Path image = directory.resolve(key);
        Path layer = image.resolve("rootfs");
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            if (Files.isDirectory(layer)) {
                return layer;
            }
            Path temp = directory.resolve(key + ".tmp-" + UUID.randomUUID());
            try {
                Files.createDirectories(temp);
                commands.run("cannot copy the image " + real + " for an unprivileged container",
                        List.of("cp", "-a", real + "/.", temp.resolve("rootfs").toString()));
                Trees.shiftOwners(temp.resolve("rootfs"), idMap);
                Files.writeString(temp.resolve("source"), real + "\n");
                Files.move(temp, image);
            } catch (IOException | RuntimeException e) {
                try {
                    Trees.delete(temp);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e instanceof RuntimeOperationException r ? r : new RuntimeOperationException(
                        "cannot prepare the image " + real + " for an unprivileged container: " + e.getMessage(), e);
            }
            return layer;
        }
    }

    /** Removes the image copies whose layer is not in {@code inUse}, and left-over temporary copies. */
    int collect(Set<Path> inUse) throws IOException {
        int removed = 0;
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        List<Path> images;
        try (Stream<Path> list = Files.list(directory)) {
            images = list.toList();
        }
        for (Path image : images) {
            String key = image.getFileName().toString();
            if (inUse.contains(image.resolve("rootfs"))) {
                continue;
            }
            synchronized (locks.computeIfAbsent(key.replaceFirst("\\.tmp-.*", ""), k -> new Object())) {
                Trees.delete(image);
                removed++;
            }
        }
        return removed;
    }
}
