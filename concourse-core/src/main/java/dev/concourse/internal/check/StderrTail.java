package dev.concourse.internal.check;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes what a check writes to stderr on and keeps its last bytes, for the check error recorded
 * with the resource (a check through the API has no build log to read them in). Thread-safe.
 */
final class StderrTail extends OutputStream {
    private final OutputStream log;
    private final byte[] ring;
    private long written;

    StderrTail(OutputStream log, int capacity) {
        this.log = log;
        this.ring = new byte[capacity];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
        synchronized (this) {
            for (int i = 0; i < len; i++) {
                ring[(int) (written++ % ring.length)] = bytes[off + i];
            }
        }
        log.write(bytes, off, len);
    }

    @Override
    public void flush() throws IOException {
        log.flush();
    }

    /** The kept bytes as text, {@code ...} in front when earlier ones were dropped. */
    synchronized String text() {
        int size = (int) Math.min(written, ring.length);
        byte[] out = new byte[size];
        long start = written - size;
        for (int i = 0; i < size; i++) {
            out[i] = ring[(int) ((start + i) % ring.length)];
        }
        String text = new String(out, StandardCharsets.UTF_8);
        return written > ring.length ? "..." + text : text;
    }
}
