package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads one small file out of a volume: {@link Volume#streamOut} gives a tar stream, of which the
 * first regular file is the one asked for. The tar reading is just enough for that (ustar, PAX
 * {@code size}, GNU long names, base-256 sizes); whole trees go through
 * {@code dev.concourse.internal.runtime.tar.Tar}.
 */
final class ArtifactFiles {
    private static final int BLOCK = 512;

    private ArtifactFiles() {
    }

    /**
     * The bytes of {@code file}, written as {@code ARTIFACT/PATH}, read from the build's artifacts,
     * with Concourse's messages for a path without artifact, an unknown artifact and a missing file,
     * each followed by what to do.
     *
     * @param step the step reading it, for messages: {@code load_var(version)}
     */
    static byte[] fromArtifact(RunContext run, String file, int maxBytes, String step) {
        String[] segments = file == null ? new String[0] : file.split("/", 2);
        if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
            throw new StepFailure("file '" + file + "' does not specify where the file lives; " + step
                    + " needs it written as ARTIFACT/PATH, such as repo/ci/version.json");
        }
        String artifact = segments[0];
        Volume volume = run.artifacts.find(artifact).orElseThrow(() -> new StepFailure(
                "unknown artifact source: '" + artifact + "' in file path '" + file + "'; a get step or a task "
                        + "output named '" + artifact + "' must come before " + step));
        return read(volume, segments[1], maxBytes).orElseThrow(() -> new StepFailure(
                "file '" + segments[1] + "' not found within artifact '" + artifact + "'; check the path " + step
                        + " reads"));
    }

    /**
     * The file's bytes, or empty when there is no file at {@code path}.
     *
     * @throws StepFailure if the file is larger than {@code maxBytes} or the stream is not a tar
     */
    static Optional<byte[]> read(Volume volume, String path, int maxBytes) {
        InputStream in;
        try {
            in = volume.streamOut(path);
        } catch (RuntimeOperationException e) {
            return Optional.empty();
        }
        try (in) {
            return firstFile(in, path, maxBytes);
        } catch (IOException e) {
            throw new StepFailure("cannot read '" + path + "' from volume " + volume.handle() + " on worker "
                    + volume.workerName() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<byte[]> firstFile(InputStream in, String path, int maxBytes) throws IOException {
        byte[] header = new byte[BLOCK];
        Long paxSize = null;
        while (true) {
            if (in.readNBytes(header, 0, BLOCK) < BLOCK || isZero(header)) {
                return Optional.empty();
            }
            char type = (char) header[156];
            long size = paxSize != null ? paxSize : number(header, 124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                byte[] data = content(in, number(header, 124, 12), maxBytes, path);
                if (type == 'x') {
                    paxSize = paxSize(new String(data, StandardCharsets.UTF_8));
                }
                continue;
            }
            if (type == '0' || type == '\0' || type == '7') {
                return Optional.of(content(in, size, maxBytes, path));
            }
            paxSize = null;
            if (type != '1' && type != '2' && type != '5') {
                skip(in, padded(size));
            }
        }
    }

    private static byte[] content(InputStream in, long size, int maxBytes, String path) throws IOException {
        if (size > maxBytes || size < 0) {
            throw new StepFailure("'" + path + "' is " + size + " bytes, more than the " + maxBytes
                    + " bytes this step reads from a file");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new StepFailure("the tar stream of '" + path + "' ends in the middle of the file");
        }
        skip(in, padded(size) - size);
        return data;
    }

    private static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long chunk = Math.min(left, 64 * 1024);
            if (in.readNBytes((int) chunk).length < chunk) {
                return;
            }
            left -= chunk;
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** An octal field, or a base-256 one (high bit of the first byte set). */
    private static long number(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = header[i];
            if (b >= '0' && b <= '7') {
                value = value * 8 + (b - '0');
            } else if (b == 0 || (b == ' ' && value > 0)) {
                break;
            }
        }
        return value;
    }

    private static Long paxSize(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            int eq = record.indexOf('=');
            if (space > 0 && eq > space && record.substring(space + 1, eq).equals("size")) {
                try {
                    return Long.parseLong(record.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    throw new StepFailure("the tar stream has an invalid PAX size record: " + record, e);
                }
            }
        }
        return null;
    }

}
