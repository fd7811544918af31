package dev.concourse.testkit.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal tar writer and reader of its own, so the runtime kit checks a runtime's tar streams
 * against an independent implementation (ustar; the reader also takes PAX and GNU long names).
 */
final class TarFixture {
    private static final int BLOCK = 512;

    /** A member: type {@code '0'} file, {@code '5'} directory, {@code '2'} symbolic link. */
    record Entry(char type, int mode, byte[] content, String link) {
        static Entry file(int mode, String content) {
            return new Entry('0', mode, content.getBytes(StandardCharsets.UTF_8), "");
        }

        static Entry directory(int mode) {
            return new Entry('5', mode, new byte[0], "");
        }

        static Entry symlink(String target) {
            return new Entry('2', 0777, new byte[0], target);
        }

        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    TarFixture add(String name, Entry entry) {
        entries.put(name, entry);
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entries.forEach((name, entry) -> {
            String stored = entry.type() == '5' && !name.endsWith("/") ? name + "/" : name;
            byte[] header = new byte[BLOCK];
            put(header, 0, stored);
            octal(header, 100, 8, entry.mode());
            octal(header, 108, 8, 0);
            octal(header, 116, 8, 0);
            octal(header, 124, 12, entry.content().length);
            octal(header, 136, 12, 1_700_000_000L);
            header[156] = (byte) entry.type();
            put(header, 157, entry.link());
            put(header, 257, "ustar");
            header[263] = '0';
            header[264] = '0';
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            octal(header, 148, 7, sum);
            out.writeBytes(header);
            out.writeBytes(entry.content());
            out.writeBytes(new byte[(BLOCK - entry.content().length % BLOCK) % BLOCK]);
        });
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    /**
     * The members of a tar stream by name, with {@code ./} prefixes and trailing slashes removed
     * and the root ({@code ./}) left out. Reads to the end of the stream.
     */
    static Map<String, Entry> read(InputStream in) throws IOException {
        Map<String, Entry> result = new LinkedHashMap<>();
        String longName = null;
        while (true) {
            byte[] header = in.readNBytes(BLOCK);
            if (header.length < BLOCK || isZero(header)) {
                in.transferTo(OutputStream.nullOutputStream());
                return result;
            }
            char type = (char) header[156];
            int size = (int) octal(header, 124, 12);
            byte[] content = in.readNBytes(size);
            in.readNBytes((BLOCK - size % BLOCK) % BLOCK);
            if (type == 'x' || type == 'L') {
                longName = type == 'L' ? cString(content, 0, content.length) : paxPath(content);
                continue;
            }
            if (type == 'g') {
                continue;
            }
            String name = longName != null ? longName : cString(header, 0, 100);
            String prefix = cString(header, 345, 155);
            if (longName == null && !prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            longName = null;
            while (name.startsWith("./")) {
                name = name.substring(2);
            }
            while (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            char normalType = type == '\0' ? '0' : type;
            result.put(name, new Entry(normalType, (int) octal(header, 100, 8) & 07777, content,
                    cString(header, 157, 100)));
        }
    }

    private static String paxPath(byte[] records) {
        String text = new String(records, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        put(header, offset, digits);
        header[offset + length - 1] = 0;
    }

    private static long octal(byte[] header, int offset, int length) {
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b >= '0' && b <= '7') {
                value = value * 8 + (b - '0');
            } else if (value > 0 || (b != ' ' && b != 0)) {
                break;
            }
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
}
