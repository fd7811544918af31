package dev.concourse.runtime;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Copying and deleting directory trees without ever following a symbolic link. */
final class FileTrees {
    private FileTrees() {
    }

    /**
     * Copies the content of {@code source} into the existing directory {@code target}: files with
     * their permissions and times, symbolic links as links, empty directories. FIFOs, sockets and
     * devices are left out.
     */
    static void copy(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                if (!Files.isDirectory(copy, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(copy);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(copy, Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                // After the content: a read-only directory must still be fillable.
                Path copy = target.resolve(source.relativize(dir).toString());
                copyMode(dir, copy);
                Files.setLastModifiedTime(copy, Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes {@code root} and everything under it; links are removed, never followed. No-op if absent. */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                makeWritable(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // removed meanwhile: what we wanted
                }
                throw failure;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null && !(failure instanceof NoSuchFileException)) {
                    throw failure;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void copyMode(Path from, Path to) throws IOException {
        try {
            Files.setAttribute(to, "unix:mode",
                    (Integer) Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // no Unix modes on this file system: the default permissions of a new directory stay
        }
    }

    private static void makeWritable(Path dir) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (!permissions.contains(PosixFilePermission.OWNER_WRITE)
                    || !permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
                permissions.add(PosixFilePermission.OWNER_WRITE);
                permissions.add(PosixFilePermission.OWNER_EXECUTE);
                Files.setPosixFilePermissions(dir, permissions);
            }
        } catch (UnsupportedOperationException e) {
            // not POSIX: nothing to fix
        }
    }
}
