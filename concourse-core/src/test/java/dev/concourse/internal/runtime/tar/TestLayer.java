package dev.concourse.internal.runtime.tar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * An image layer written by the tests: a ustar archive of any entries (also ones no extraction
 * should accept), gzip-compressed by {@link #gzip()}.
 */
public final class TestLayer {
    private static final int BLOCK = TarWriter.BLOCK;
    private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

    public TestLayer directory(String name, int mode) {
        return entry(name.endsWith("/") ? name : name + "/", '5', mode, 0, 0, new byte[0], "");
    }

    public TestLayer file(String name, int mode, String content) {
        return file(name, mode, 0, 0, content.getBytes(StandardCharsets.UTF_8));
    }

    public TestLayer file(String name, int mode, int uid, int gid, byte[] content) {
        return entry(name, '0', mode, uid, gid, content, "");
    }

    public TestLayer symlink(String name, String target) {
        return entry(name, '2', 0777, 0, 0, new byte[0], target);
    }

    public TestLayer hardLink(String name, String target) {
        return entry(name, '1', 0644, 0, 0, new byte[0], target);
    }

    /** A whiteout of {@code name} in {@code directory} ({@code ""} for the root). */
    public TestLayer whiteout(String directory, String name) {
        return file(directory + ".wh." + name, 0644, "");
    }

    /** An opaque whiteout: {@code directory}'s content of earlier layers is hidden. */
    public TestLayer opaque(String directory) {
        return file(directory + ".wh..wh..opq", 0644, "");
    }

    /** The uncompressed archive, with its end marker. */
    public byte[] tar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tar.toByteArray());
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    public byte[] gzip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(tar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private TestLayer entry(String name, char type, int mode, int uid, int gid, byte[] content, String link) {
        if (name.length() >= 100 || link.length() >= 100) {
            throw new IllegalArgumentException("names of test layers must fit ustar: " + name);
        }
        byte[] header = TarWriter.encodeHeader(name, type, mode, content.length, 1_700_000_000L, link, uid, gid);
        tar.writeBytes(header);
        tar.writeBytes(content);
        tar.writeBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
        return this;
    }
}
