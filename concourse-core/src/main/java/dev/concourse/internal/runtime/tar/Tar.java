package dev.concourse.internal.runtime.tar;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams files into and out of POSIX tar archives (ustar with PAX extensions), the format
 * volumes are copied in between workers and the engine. Dependency-free and streaming: memory use
 * does not grow with the size of what is copied.
 *
 * <p>What is kept: regular files with their content, permission bits (including set-user-id,
 * set-group-id and sticky where the file system allows), modification times, directories
 * (also empty ones), and symbolic links as links (never followed). Owners are written but not
 * restored: extracted files belong to the user of this JVM. Hard links are written as separate
 * files and restored when read. Devices, FIFOs and sockets are left out when writing and skipped
 * when reading. Sparse archives (GNU {@code --sparse}) are refused.
 *
 * <p>Extraction is safe against hostile archives: an entry with an absolute name, a {@code ..}
 * component, or a path that leads through a symbolic link to outside the target is refused with
 * a {@link RuntimeOperationException}, and existing symbolic links are replaced, never written
 * through. Symbolic links themselves may point anywhere: they are data, and extraction never
 * follows one out of the target.
 */
public final class Tar {
    private static final Logger LOG = LoggerFactory.getLogger(Tar.class);

    private Tar() {
    }

    /**
     * Writes {@code source} as a tar archive: a directory as its content with names starting
     * {@code ./} (like {@code tar -C source -cf - .}), a file as one entry named by its file
     * name. A symbolic link at {@code source} itself is followed; links inside a directory are
     * written as links. Entries are written in name order, so equal trees give equal
     * archives. {@code out} is flushed, not closed.
     *
     * @throws RuntimeOperationException if {@code source} does not exist or cannot be read
     */
    public static void write(Path source, OutputStream out) {
        try {
            TarWriter writer = new TarWriter(out);
            if (Files.isDirectory(source)) {
                writeTree(writer, source, "./");
            } else if (Files.exists(source)) {
                writeEntry(writer, source, source.getFileName().toString(), attributesOf(source, false));
            } else {
                throw new RuntimeOperationException("cannot create a tar stream of " + source
                        + ": nothing exists there");
            }
            writer.finish();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot create a tar stream of " + source + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * A tar stream of {@code source} (see {@link #write}) produced on a virtual thread while the
     * caller reads, with about 1 MiB buffered at most. A failure while producing it surfaces as an
     * {@link IOException} from {@code read}; closing the stream early stops the producer.
     *
     * @throws RuntimeOperationException at once if nothing exists at {@code source}
     */
    public static InputStream streamOut(Path source) {
        if (!Files.exists(source)) {
            throw new RuntimeOperationException("cannot stream out " + source + ": nothing exists there");
        }
        return new ProducerInputStream("tar-out-" + source.getFileName(), out -> {
            try {
                write(source, out);
            } catch (RuntimeOperationException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
    }

    /**
     * Extracts a tar stream into {@code target} (created if missing), restoring permission bits
     * and modification times like {@code tar -xpf}; existing files are replaced. Reads {@code in}
     * to its end, so that a writer on the other side of a pipe is never left blocked; does not
     * close it. Directory permissions are applied last, so read-only directories can be filled.
     *
     * @throws RuntimeOperationException if the stream is not a tar archive, an entry would land
     *                                   outside {@code target}, or writing fails; entries before
     *                                   the failing one stay extracted
     */
    public static void extract(InputStream in, Path target) {
        try {
            Files.createDirectories(target);
            new Extraction(target.toRealPath()).run(new TarReader(in));
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot extract tar stream into " + target + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Writes the files of this machine as an archive of plain files: each {@code name} (in the
     * map's order) with the content of its path, mode {@code 0644}, owner 0 and time 0, as
     * {@code docker save} archives are written. {@code out} is flushed, not closed.
     */
    public static void writeFiles(Map<String, Path> files, OutputStream out) throws IOException {
        TarWriter writer = new TarWriter(out);
        for (Map.Entry<String, Path> file : files.entrySet()) {
            try (InputStream content = Files.newInputStream(file.getValue())) {
                writer.file(file.getKey(), 0644, Files.size(file.getValue()), 0, 0, 0, content);
            }
        }
        writer.finish();
    }

    /**
     * The layers of a container image, applied in order into {@code target} (created if missing),
     * as an image's root file system is made: whiteouts ({@code .wh.name}, {@code .wh..wh..opq})
     * delete what earlier layers wrote, an entry replaces whatever is in its way, and with
     * {@code restoreOwners} (only possible as root) files get the owners the layers give them.
     * Entries that would leave the target are refused as by {@link #extract}.
     */
    public static ImageLayers imageLayers(Path target, boolean restoreOwners) {
        try {
            Files.createDirectories(target);
            return new ImageLayers(new Extraction(target.toRealPath(), true, restoreOwners));
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot create the image directory " + target + ": " + e.getMessage(),
                    e);
        }
    }

    /** See {@link #imageLayers}. Not thread-safe: one layer after the other, then {@link #finish()}. */
    public static final class ImageLayers {
        private final Extraction extraction;

        private ImageLayers(Extraction extraction) {
            this.extraction = extraction;
        }

        /**
         * Applies one layer, an uncompressed tar stream; reads it to its end, does not close it.
         *
         * @throws RuntimeOperationException if it is not a tar archive, an entry would land outside
         *                                   the target, or writing fails
         * @throws IOException               if reading {@code in} fails
         */
        public void apply(InputStream in) throws IOException {
            TarReader reader = new TarReader(in);
            extraction.extract(reader);
            reader.drain();
        }

        /** Applies the directories' permission bits and times, once every layer is applied. */
        public void finish() throws IOException {
            extraction.finish();
        }
    }

    private static void writeTree(TarWriter writer, Path dir, String name) throws IOException {
        FileAttributes attributes = attributesOf(dir, false);
        writer.directory(name, attributes.mode(), attributes.mtime(), attributes.uid(), attributes.gid());
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = new ArrayList<>(list.toList());
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path child : children) {
            String childName = name + child.getFileName();
            FileAttributes childAttributes = attributesOf(child, true);
            if (childAttributes.directory()) {
                writeTree(writer, child, childName + "/");
            } else {
                writeEntry(writer, child, childName, childAttributes);
            }
        }
    }

    private static void writeEntry(TarWriter writer, Path path, String name, FileAttributes a) throws IOException {
        if (a.symlink()) {
            writer.symlink(name, Files.readSymbolicLink(path).toString(), a.mtime(), a.uid(), a.gid());
        } else if (a.regularFile()) {
            try (InputStream content = Files.newInputStream(path)) {
                long missing = writer.file(name, a.mode(), a.size(), a.mtime(), a.uid(), a.gid(), content);
                if (missing > 0) {
                    LOG.warn("{} shrank by {} bytes while it was written to a tar stream; padded with zeros",
                            path, missing);
                }
            }
        } else if (a.directory()) {
            writer.directory(name, a.mode(), a.mtime(), a.uid(), a.gid());
        } else {
            LOG.debug("leaving {} out of the tar stream: not a file, directory or symbolic link", path);
        }
    }

    private static FileAttributes attributesOf(Path path, boolean noFollow) throws IOException {
        LinkOption[] options = noFollow ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
        var basic = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, options);
        int mode;
        long uid = 0;
        long gid = 0;
        try {
            Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid", options);
            mode = (Integer) unix.get("mode") & 07777;
            uid = ((Integer) unix.get("uid")) & 0xffffffffL;
            gid = ((Integer) unix.get("gid")) & 0xffffffffL;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            mode = basic.isDirectory() || Files.isExecutable(path) ? 0755 : 0644;
        }
        return new FileAttributes(basic.isDirectory(), basic.isRegularFile(), basic.isSymbolicLink(), mode,
                basic.size(), basic.lastModifiedTime().toInstant().getEpochSecond(), uid, gid);
    }

    private record FileAttributes(boolean directory, boolean regularFile, boolean symlink, int mode, long size,
            long mtime, long uid, long gid) {
    }
}
