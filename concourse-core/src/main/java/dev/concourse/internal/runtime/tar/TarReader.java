package dev.concourse.internal.runtime.tar;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads ustar, PAX and GNU ({@code ././@LongLink}, base-256 numbers) archives as a stream of
 * {@link TarEntry}s. Names are returned as stored; checking them is the caller's job.
 *
 * @see Tar#extract
 */
final class TarReader {
    private static final int BLOCK = TarWriter.BLOCK;
    /** Extended headers are metadata; anything this large is an attack, not a name. */
    private static final int MAX_EXTENDED_HEADER = 1024 * 1024;

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining;
    private long padding;
    private boolean ended;

    TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Moves to the next member, skipping what is left of the current one's content.
     *
     * @return the member, or null at the end of the archive
     * @throws TarFormatException if the archive is malformed
     */
    TarEntry next() throws IOException {
        if (ended) {
            return null;
        }
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            if (!readHeader()) {
                ended = true;
                return null;
            }
            char type = (char) header[156];
            long size = number(124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                byte[] data = readExtended(size, type);
                switch (type) {
                    case 'x' -> pax.putAll(decodePax(data));
                    case 'L' -> longName = cString(data, 0, data.length);
                    case 'K' -> longLink = cString(data, 0, data.length);
                    default -> {
                        // 'g': global defaults for the rest of the archive; GNU and our writer never
                        // emit them, and no field they may carry changes how we extract.
                    }
                }
                continue;
            }
            if (pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse."))
                    || type == 'S') {
                throw new TarFormatException("sparse files are not supported (entry "
                        + entryName(pax, longName) + "); create the archive without --sparse");
            }
            String name = entryName(pax, longName);
            String link = pax.getOrDefault("linkpath", longLink != null ? longLink : cString(header, 157, 100));
            if (pax.containsKey("size")) {
                size = paxNumber(pax, "size");
            }
            long mtime = pax.containsKey("mtime") ? paxNumber(pax, "mtime") : number(136, 12);
            long uid = pax.containsKey("uid") ? paxNumber(pax, "uid") : number(108, 8);
            long gid = pax.containsKey("gid") ? paxNumber(pax, "gid") : number(116, 8);
            int mode = (int) (number(100, 8) & 07777);
            TarEntry.Type entryType = switch (type) {
                case '0', '\0', '7' -> TarEntry.Type.FILE;
                case '1' -> TarEntry.Type.HARDLINK;
                case '2' -> TarEntry.Type.SYMLINK;
                case '5' -> TarEntry.Type.DIRECTORY;
                default -> TarEntry.Type.OTHER;
            };
            if (entryType == TarEntry.Type.FILE && name.endsWith("/") && type == '\0') {
                entryType = TarEntry.Type.DIRECTORY; // pre-POSIX archives mark directories by the slash only
            }
            // Like Go's archive/tar: links, directories and devices have no content whatever size says.
            boolean headerOnly = type == '1' || type == '2' || type == '3' || type == '4' || type == '5'
                    || type == '6' || entryType == TarEntry.Type.DIRECTORY;
            long contentSize = headerOnly ? 0 : size;
            if (contentSize < 0) {
                throw new TarFormatException("negative size for entry " + name);
            }
            remaining = contentSize;
            padding = (BLOCK - contentSize % BLOCK) % BLOCK;
            return new TarEntry(name, entryType, mode, entryType == TarEntry.Type.FILE ? contentSize : 0, mtime,
                    entryType == TarEntry.Type.SYMLINK || entryType == TarEntry.Type.HARDLINK ? link : "", uid,
                    gid);
        }
    }

    /**
     * The current member's content; reading past its end gives end of stream. Valid until the
     * next call to {@link #next()}; closing it does nothing.
     */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new TarFormatException("archive ends in the middle of an entry's content");
                }
                remaining -= n;
                return n;
            }
        };
    }

    /** Reads whatever follows the end-of-archive marker so a writer on the other end can finish. */
    void drain() throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private boolean readHeader() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
            return false; // no end-of-archive marker: GNU tar accepts this too
        }
        if (n < BLOCK) {
            throw new TarFormatException("archive ends in the middle of a header");
        }
        if (isZero(header)) {
            return false;
        }
        long stored = number(148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : header[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw new TarFormatException("bad header checksum (not a tar archive, or a corrupt one)");
        }
        return true;
    }

    private byte[] readExtended(long size, char type) throws IOException {
        if (size < 0 || size > MAX_EXTENDED_HEADER) {
            throw new TarFormatException("extended header of type '" + type + "' is " + size
                    + " bytes, more than the " + MAX_EXTENDED_HEADER + " allowed");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new TarFormatException("archive ends in the middle of an extended header");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private static Map<String, String> decodePax(byte[] data) throws TarFormatException {
        try {
            return PaxRecords.decode(data);
        } catch (IllegalArgumentException e) {
            throw new TarFormatException(e.getMessage(), e);
        }
    }

    private String entryName(Map<String, String> pax, String longName) {
        if (pax.containsKey("path")) {
            return pax.get("path");
        }
        if (longName != null) {
            return longName;
        }
        String name = cString(header, 0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        if (ustar) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static long paxNumber(Map<String, String> pax, String key) throws TarFormatException {
        String value = pax.get(key);
        int dot = value.indexOf('.');
        try {
            return Long.parseLong(dot >= 0 ? value.substring(0, dot) : value);
        } catch (NumberFormatException e) {
            throw new TarFormatException("bad PAX " + key + " '" + value + "'", e);
        }
    }

    /** An octal field, or GNU's base-256 form (high bit of the first byte set). */
    private long number(int offset, int length) throws TarFormatException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            if ((header[offset] & 0x40) != 0) {
                throw new TarFormatException("negative base-256 number in header");
            }
            for (int i = 1; i < length; i++) {
                if ((value >>> 55) != 0) {
                    throw new TarFormatException("base-256 number in header is too large");
                }
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < end; i++) {
            byte b = header[i];
            if (b == 0 || b == ' ') {
                break;
            }
            if (b < '0' || b > '7') {
                throw new TarFormatException("bad octal number in header at offset " + offset);
            }
            if ((value >>> 60) != 0) {
                throw new TarFormatException("octal number in header is too large");
            }
            value = (value << 3) + (b - '0');
        }
        return value;
    }

    private static String cString(byte[] data, int offset, int length) {
        int end = offset;
        while (end < offset + length && data[end] != 0) {
            end++;
        }
        return new String(data, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void skip(long n) throws IOException {
        try {
            in.skipNBytes(n);
        } catch (EOFException e) {
            throw new TarFormatException("archive ends in the middle of an entry", e);
        }
    }
}
