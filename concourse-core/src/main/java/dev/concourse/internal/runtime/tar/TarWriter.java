package dev.concourse.internal.runtime.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a POSIX ustar archive, adding a PAX extended header for what ustar cannot hold: names
 * and link targets longer than 100 bytes or not plain ASCII, sizes of 8 GiB and more, large
 * owners and out-of-range times. Streaming: nothing but the current header is buffered.
 */
final class TarWriter {
    static final int BLOCK = 512;
    private static final long MAX_OCTAL_11 = 077777777777L;
    private static final long MAX_OCTAL_7 = 07777777L;

    private final OutputStream out;
    private final byte[] copyBuffer = new byte[64 * 1024];
    private long paxHeaders;

    TarWriter(OutputStream out) {
        this.out = out;
    }

    void directory(String name, int mode, long mtime, long uid, long gid) throws IOException {
        String dirName = name.endsWith("/") ? name : name + "/";
        header(new TarEntry(dirName, TarEntry.Type.DIRECTORY, mode, 0, mtime, "", uid, gid));
    }

    void symlink(String name, String target, long mtime, long uid, long gid) throws IOException {
        header(new TarEntry(name, TarEntry.Type.SYMLINK, 0777, 0, mtime, target, uid, gid));
    }

    /**
     * Writes a regular file of exactly {@code size} bytes: content beyond it is left out, and a
     * file that shrank while being read is padded with zeros (as GNU tar does), so the archive
     * stays well-formed.
     *
     * @return how many bytes were missing and padded
     */
    long file(String name, int mode, long size, long mtime, long uid, long gid, InputStream content)
            throws IOException {
        header(new TarEntry(name, TarEntry.Type.FILE, mode, size, mtime, "", uid, gid));
        long remaining = size;
        while (remaining > 0) {
            int n = content.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
            if (n < 0) {
                break;
            }
            out.write(copyBuffer, 0, n);
            remaining -= n;
        }
        long missing = remaining;
        Arrays.fill(copyBuffer, (byte) 0);
        while (remaining > 0) {
            int n = (int) Math.min(copyBuffer.length, remaining);
            out.write(copyBuffer, 0, n);
            remaining -= n;
        }
        pad(size);
        return missing;
    }

    /** Writes the end-of-archive marker (two zero blocks) and flushes. */
    void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private void header(TarEntry entry) throws IOException {
        Map<String, String> pax = new LinkedHashMap<>();
        String name = entry.name();
        if (!fitsUstar(name, 100)) {
            pax.put("path", name);
            name = ustarFallback(name, 100);
        }
        String link = entry.linkName();
        if (!fitsUstar(link, 100)) {
            pax.put("linkpath", link);
            link = ustarFallback(link, 100);
        }
        long size = entry.size();
        if (size > MAX_OCTAL_11) {
            pax.put("size", Long.toString(size));
            size = 0;
        }
        long mtime = entry.mtime();
        if (mtime < 0 || mtime > MAX_OCTAL_11) {
            pax.put("mtime", Long.toString(mtime));
            mtime = 0;
        }
        long uid = entry.uid();
        if (uid < 0 || uid > MAX_OCTAL_7) {
            pax.put("uid", Long.toString(uid));
            uid = 0;
        }
        long gid = entry.gid();
        if (gid < 0 || gid > MAX_OCTAL_7) {
            pax.put("gid", Long.toString(gid));
            gid = 0;
        }
        if (!pax.isEmpty()) {
            byte[] records = PaxRecords.encode(pax);
            String paxName = ustarFallback("PaxHeaders/" + (++paxHeaders), 100);
            out.write(encodeHeader(paxName, 'x', 0644, records.length, mtime, "", 0, 0));
            out.write(records);
            pad(records.length);
        }
        char type = switch (entry.type()) {
            case FILE -> '0';
            case HARDLINK -> '1';
            case SYMLINK -> '2';
            case DIRECTORY -> '5';
            case OTHER -> throw new IllegalArgumentException("cannot write entries of other types: " + entry.name());
        };
        out.write(encodeHeader(name, type, entry.mode(), size, mtime, link, uid, gid));
    }

    private void pad(long written) throws IOException {
        int rest = (int) (written % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }

    static byte[] encodeHeader(String name, char type, int mode, long size, long mtime, String link, long uid,
            long gid) {
        byte[] h = new byte[BLOCK];
        ascii(h, 0, 100, name);
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = (byte) type;
        ascii(h, 157, 100, link);
        ascii(h, 257, 6, "ustar");
        h[263] = '0';
        h[264] = '0';
        octal(h, 329, 8, 0);
        octal(h, 337, 8, 0);
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    private static boolean fitsUstar(String s, int length) {
        if (s.length() > length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** What a reader without PAX support sees: the name's ASCII, cut to the field. */
    private static String ustarFallback(String s, int length) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), length));
        for (int i = 0; i < s.length() && b.length() < length; i++) {
            char c = s.charAt(i);
            b.append(c == 0 || c > 0x7e ? '_' : c);
        }
        return b.toString();
    }

    private static void ascii(byte[] h, int offset, int length, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, offset, Math.min(bytes.length, length));
    }

    /** Zero-padded octal digits filling the field but its last byte, which stays NUL. */
    private static void octal(byte[] h, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        int width = length - 1;
        if (digits.length() > width) {
            throw new IllegalArgumentException("value " + value + " does not fit " + width + " octal digits");
        }
        int start = offset + width - digits.length();
        Arrays.fill(h, offset, start, (byte) '0');
        ascii(h, start, digits.length(), digits);
        h[offset + width] = 0;
    }
}
