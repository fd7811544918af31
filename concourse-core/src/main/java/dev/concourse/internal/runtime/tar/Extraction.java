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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of {@link Tar#extract}: every path is checked against the (real) target first. */
final class Extraction {
    private static final Logger LOG = LoggerFactory.getLogger(Extraction.class);

    private final Path root;
    private final List<DeferredDirectory> directories = new ArrayList<>();
    private final byte[] buffer = new byte[64 * 1024];

    Extraction(Path realTarget) {
        this.root = realTarget;
    }

    void run(TarReader reader) throws IOException {
        TarEntry entry;
        while ((entry = reader.next()) != null) {
            String relative = safeRelativeName(entry.name());
            Path destination = relative.isEmpty() ? root : root.resolve(relative);
            switch (entry.type()) {
                case DIRECTORY -> directory(destination, entry);
                case FILE -> file(destination, entry, reader.content());
                case SYMLINK -> symlink(destination, entry);
                case HARDLINK -> hardLink(destination, entry);
                case OTHER -> LOG.debug("skipping tar entry {}: not a file, directory or link", entry.name());
            }
        }
        // Deepest first, so that making a directory read-only never blocks fixing one below it.
        for (int i = directories.size() - 1; i >= 0; i--) {
            DeferredDirectory d = directories.get(i);
            applyMode(d.path(), d.mode());
            Files.setLastModifiedTime(d.path(), FileTime.fromMillis(d.mtime() * 1000));
        }
        reader.drain();
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
        directories.add(new DeferredDirectory(destination, entry.mode(), entry.mtime()));
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
    }

    private void hardLink(Path destination, TarEntry entry) throws IOException {
        String linked = safeRelativeName(entry.linkName());
        Path source = root.resolve(linked);
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

    private static void removeExisting(Path destination, TarEntry entry) throws IOException {
        if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
            throw new TarFormatException("cannot extract " + entry.name() + ": a directory exists there");
        }
        Files.deleteIfExists(destination);
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
