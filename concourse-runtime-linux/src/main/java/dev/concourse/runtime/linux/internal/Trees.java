package dev.concourse.runtime.linux.internal;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** File-tree chores: owner shifting, deleting without following links, shape digests. */
final class Trees {
    private static final int SET_ID_BITS = 06000;
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SYMLINK = 0120000;

    private Trees() {
    }

    /**
     * Moves every owner and group below the id map's size into its range ({@code 0 -> hostId}),
     * not following links, keeping set-user-id and set-group-id bits (which {@code chown} clears).
     */
    static void shiftOwners(Path root, IdMap idMap) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                shift(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                shift(file);
                return FileVisitResult.CONTINUE;
            }

            private void shift(Path path) {
                shiftOne(path, idMap);
            }
        });
    }

    /** Moves one path's owner and group into the id map's range (see {@link #shiftOwners}). */
    static void shiftOne(Path path, IdMap idMap) {
        String name = path.toString();
        int[] stat = Posix.lstat(name);
        int uid = idMap.shift(stat[0]);
        int gid = idMap.shift(stat[1]);
        if (uid == stat[0] && gid == stat[1]) {
            return;
        }
        Posix.lchown(name, uid, gid);
        if ((stat[2] & FILE_TYPE_MASK) != SYMLINK && (stat[2] & SET_ID_BITS) != 0) {
            Posix.chmod(name, stat[2] & 07777);
        }
    }

    /** Deletes a tree, not following links; nothing there is fine. */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException race) {
                    delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * A digest of a tree's shape: names, types, sizes, modification times and link targets
     * (not contents), so a changed image directory gets a new copy.
     */
    static String shapeDigest(Path root) throws IOException {
        List<String> lines = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                lines.add(line(dir, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                lines.add(line(file, attrs) + (attrs.isSymbolicLink() ? Files.readSymbolicLink(file) : ""));
                return FileVisitResult.CONTINUE;
            }

            private String line(Path path, BasicFileAttributes attrs) {
                return root.relativize(path) + "\0" + (attrs.isDirectory() ? "d" : attrs.isSymbolicLink() ? "l" : "f")
                        + "\0" + attrs.size() + "\0" + attrs.lastModifiedTime().toMillis();
            }
        });
        lines.sort(null);
        return sha256(String.join("\n", lines));
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
