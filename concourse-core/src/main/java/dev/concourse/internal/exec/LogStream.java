package dev.concourse.internal.exec;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A process's stdout or stderr turned into {@code log} events: one event per chunk the runtime
 * writes (no line buffering, so output shows up at once; a chunk over {@link #MAX_EVENT_CHARS}
 * characters becomes several events), decoded as UTF-8 incrementally so that a
 * character split across two chunks arrives whole in the second event. Invalid bytes become
 * U+FFFD; an incomplete character at the very end is flushed as U+FFFD by {@link #close()}.
 * Writes after close are dropped. Thread-safe.
 */
final class LogStream extends OutputStream {
    private static final byte[] NO_BYTES = new byte[0];
    /**
     * The most text one event carries: a larger chunk (a runtime that hands over megabytes at once)
     * becomes several events, so that every event stays far below what stores keep per event (1 MiB
     * of JSON in the database store; escaping can make text six times longer).
     */
    static final int MAX_EVENT_CHARS = 64 * 1024;

    private final RunContext run;
    private final Origin origin;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** The start of a character whose remaining bytes have not arrived yet (at most 3 bytes). */
    private byte[] carry = NO_BYTES;
    private boolean closed;

    LogStream(RunContext run, String planId, Origin.Source source) {
        this.run = run;
        this.origin = new Origin(planId, source);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) {
        if (closed || len == 0) {
            return;
        }
        ByteBuffer in;
        if (carry.length == 0) {
            in = ByteBuffer.wrap(bytes, off, len);
        } else {
            in = ByteBuffer.allocate(carry.length + len).put(carry).put(bytes, off, len).flip();
        }
        // UTF-8 never decodes to more chars than it has bytes (U+FFFD replaces at least one byte).
        CharBuffer out = CharBuffer.allocate(in.remaining());
        decoder.decode(in, out, false);
        carry = new byte[in.remaining()];
        in.get(carry);
        emit(out);
    }

    /** Writes text of the executor's own (what a step reports), as UTF-8. */
    void print(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
    }

    /** Emits what is left, an incomplete character as U+FFFD. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuffer in = ByteBuffer.wrap(carry);
        CharBuffer out = CharBuffer.allocate(carry.length + 1);
        decoder.decode(in, out, true);
        decoder.flush(out);
        carry = NO_BYTES;
        emit(out);
    }

    private void emit(CharBuffer out) {
        out.flip();
        while (out.hasRemaining()) {
            int length = Math.min(out.remaining(), MAX_EVENT_CHARS);
            if (length < out.remaining() && Character.isHighSurrogate(out.get(out.position() + length - 1))) {
                length--; // keep a surrogate pair in one event
            }
            run.emit(new BuildEvent.Log(run.now(), origin, out.subSequence(0, length).toString()));
            out.position(out.position() + length);
        }
    }
}
