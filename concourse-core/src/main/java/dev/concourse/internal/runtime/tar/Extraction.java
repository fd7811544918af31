package dev.concourse.internal.runtime.tar;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link Tar#extract}, or the layers of one image ({@link Tar.ImageLayers}): every path
 * is checked against the (real) target first.
 */
final class Extraction {
    private static final Logger LOG = LoggerFactory.getLogger(Extraction.class);
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final Path root;
    private final boolean layers;
    private final boolean owners;
    private final Map<Path, DeferredDirectory> directories = new HashMap<>();
    private final byte[] buffer = new byte[64 * 1024];
    /** The current layer's entries (relative names), which its opaque whiteouts keep. */
    private final Set<String> written = new HashSet<>();

    Extraction(Path realTarget) {
        this(realTarget, false, false);
    }

    /**
     * @param layers image layer semantics: whiteouts ({@code .wh.name}, {@code .wh..wh..opq}) delete
     *               what earlier layers wrote, and any entry replaces what is in its way
     * @param owners restore owners and groups (needs root)
     */
    Extraction(Path realTarget, boolean layers, boolean owners) {
        this.root = realTarget;
        this.layers = layers;
        this.owners = owners;
    }

    void run(TarReader reader) throws IOException {
        extract(reader);
        finish();
        reader.drain();
    }

    /** Extracts the entries of one archive; directory modes wait for {@link #finish()}. */
    void extract(TarReader reader) throws IOException {
        written.clear();
        TarEntry entry;
        while ((entry = reader.next()) != null) {
            String relative = safeRelativeName(entry.name());
            Path destination = relative.isEmpty() ? root : root.resolve(relative);
            String base = destination.getFileName() == null ? "" : destination.getFileName().toString();
            if (layers && !relative.isEmpty() && base.startsWith(WHITEOUT)) {
                whiteout(destination, base, entry);
                continue;
            }
            written.add(relative);
            switch (entry.type()) {
                case DIRECTORY -> directory(destination, entry);
                case FILE -> file(destination, entry, reader.content());
                case SYMLINK -> symlink(destination, entry);
                case HARDLINK -> hardLink(destination, entry);
                case OTHER -> LOG.debug("skipping tar entry {}: not a file, directory or link", entry.name());
            }
        }
    }

    /** Applies the directories' modes and times, deepest first, so a read-only one never blocks one below. */
    void finish() throws IOException {
        List<DeferredDirectory> pending = new ArrayList<>(directories.values());
        pending.sort(Comparator.comparingInt((DeferredDirectory d) -> d.path().getNameCount()).reversed());
        for (DeferredDirectory d : pending) {
            if (layers && !Files.isDirectory(d.path(), LinkOption.NOFOLLOW_LINKS)) {
                continue; // a later layer removed or replaced it
            }
            applyMode(d.path(), d.mode());
            Files.setLastModifiedTime(d.path(), FileTime.fromMillis(d.mtime() * 1000));
        }
        directories.clear();
    }

    /** {@code .wh.name} deletes {@code name}; {@code .wh..wh..opq} empties the directory of earlier layers' files. */
    private void whiteout(Path marker, String base, TarEntry entry) throws IOException {
        Path directory = marker.getParent();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return; // nothing below it to hide
        }
        if (!directory.toRealPath().startsWith(root)) {
            throw escape(entry.name(), "it leads through a symbolic link to outside the target");
        }
        if (base.equals(OPAQUE)) {
            hideEarlierLayers(directory);
            return;
        }
        String hidden = base.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw escape(entry.name(), "it whites out '" + hidden + "', which is not a name");
        }
        deleteTree(directory.resolve(hidden));
    }

    private void hideEarlierLayers(Path directory) throws IOException {
        List<Path> children;
        try (var list = Files.list(directory)) {
            children = list.toList();
        }
        for (Path child : children) {
            if (!written.contains(root.relativize(child).toString().replace('\\', '/'))) {
                deleteTree(child);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                hideEarlierLayers(child);
            }
        }
    }

    /** Deletes a file, link or directory tree, never following links. */
    private void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                directories.remove(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * The entry's name as a relative path with {@code /} separators, {@code ""} for the target
     * itself; refuses names that could leave the target.
     */
    static String safeRelativeName(String name) {
        if (name.isEmpty()) {
            throw escape(name, "it is empty");
        }
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            throw escape(name, "it is an absolute path");
        }
        StringBuilder relative = new StringBuilder();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw escape(name, "it contains '..'");
            }
            if (!relative.isEmpty()) {
                relative.append('/');
            }
            relative.append(part);
        }
        return relative.toString();
    }

    private void directory(Path destination, TarEntry entry) throws IOException {
        if (!destination.equals(root)) {
            prepareParent(destination, entry);
            if (Files.isSymbolicLink(destination)) {
                Files.delete(destination); // replace, never follow: it could lead anywhere
            } else if (Files.exists(destination, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(destination,
                    LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(destination);
            }
            if (!Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(destination);
            }
        }
        applyOwner(destination, entry);
        directories.put(destination, new DeferredDirectory(destination, entry.mode(), entry.mtime()));
    }

    private void file(Path destination, TarEntry entry, InputStream content) throws IOException {
        if (destination.equals(root)) {
            throw escape(entry.name(), "a file cannot replace the target directory");
        }
        prepareParent(destination, entry);
        removeExisting(destination, entry);
        try (OutputStream out = Files.newOutputStream(destination, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = content.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        }
        applyOwner(destination, entry);
        applyMode(destination, entry.mode());
        Files.setLastModifiedTime(destination, FileTime.fromMillis(entry.mtime() * 1000));
    }

    private void symlink(Path destination, TarEntry entry) throws IOException {
        if (destination.equals(root)) {
            throw escape(entry.name(), "a link cannot replace the target directory");
        }
        prepareParent(destination, entry);
        removeExisting(destination, entry);
        Files.createSymbolicLink(destination, Path.of(entry.linkName()));
        applyOwner(destination, entry);
    }

    private void hardLink(Path destination, TarEntry entry) throws IOException {
        String linked = safeRelativeName(entry.linkName());
        Path source = root.resolve(linked);
        if (layers && !linked.isEmpty() && Files.isSymbolicLink(source)) {
            // Image layers may hard-link a symbolic link; a copy of the link means the same.
            prepareParent(source, entry);
            prepareParent(destination, entry);
            removeExisting(destination, entry);
            Files.createSymbolicLink(destination, Files.readSymbolicLink(source));
            applyOwner(destination, entry);
            return;
        }
        if (linked.isEmpty() || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new TarFormatException("hard link " + entry.name() + " points to " + entry.linkName()
                    + ", which is not a file extracted before it");
        }
        prepareParent(source, entry); // the linked file's directories must not lead outside either
        prepareParent(destination, entry);
        removeExisting(destination, entry);
        try {
            Files.createLink(destination, source);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /**
     * Creates the entry's parent directories after checking that the deepest one that exists
     * already, followed through any symbolic links, is inside the target.
     */
    private void prepareParent(Path destination, TarEntry entry) throws IOException {
        Path parent = destination.getParent();
        Path existing = parent;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (!existing.toRealPath().startsWith(root)) {
            throw escape(entry.name(), "it leads through a symbolic link to outside the target");
        }
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new TarFormatException("cannot create the directory of " + entry.name() + ": "
                    + e.getFile() + " is in the way (a file or a dangling link)", e);
        }
        if (!parent.toRealPath().startsWith(root)) {
            throw escape(entry.name(), "it leads through a symbolic link to outside the target");
        }
    }

    private void removeExisting(Path destination, TarEntry entry) throws IOException {
        if (layers && Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(destination); // a later layer's file replaces an earlier layer's directory
            return;
        }
        if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
            throw new TarFormatException("cannot extract " + entry.name() + ": a directory exists there");
        }
        Files.deleteIfExists(destination);
    }

    /** Sets the entry's owner and group (without following links) when restoring owners; before the mode, as chown clears set-id bits. */
    private void applyOwner(Path path, TarEntry entry) throws IOException {
        if (!owners) {
            return;
        }
        Files.setAttribute(path, "unix:uid", (int) entry.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) entry.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    private static void applyMode(Path path, int mode) throws IOException {
        try {
            Files.setAttribute(path, "unix:mode", mode & 07777);
            return;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // not a Unix file system: fall through to the portable permission bits
        }
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (UnsupportedOperationException e) {
            if ((mode & 0100) != 0) {
                path.toFile().setExecutable(true);
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(all[i]);
            }
        }
        return set;
    }

    private static RuntimeOperationException escape(String name, String why) {
        return new RuntimeOperationException("refusing tar entry '" + name + "': " + why
                + "; entries must stay inside the directory they are extracted into");
    }

    private record DeferredDirectory(Path path, int mode, long mtime) {
    }
}
