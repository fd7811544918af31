package dev.concourse.internal.runtime.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An input stream fed by a producer on its own virtual thread through a bounded queue of chunks
 * (at most about 1 MiB in flight). Unlike {@link java.io.PipedInputStream}, a producer's failure
 * reaches the reader as an {@link IOException} instead of a silent, truncated end of stream, and
 * closing the stream early stops the producer.
 */
final class ProducerInputStream extends InputStream {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    /** Writes everything to the given stream; may throw. */
    @FunctionalInterface
    interface Producer {
        void produce(OutputStream out) throws IOException;
    }

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(16);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean closed;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    ProducerInputStream(String threadName, Producer producer) {
        thread = Thread.ofVirtual().name(threadName).unstarted(() -> run(producer));
        thread.start();
    }

    private void run(Producer producer) {
        try (ChunkingOutput out = new ChunkingOutput()) {
            producer.produce(out);
        } catch (IOException | RuntimeException | Error e) {
            if (!closed) {
                failure = e;
            }
        } finally {
            // The reader may have closed without draining: never block on the end marker then.
            if (!closed) {
                try {
                    chunks.put(END);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (position == current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the tar stream");
            }
            position = 0;
            if (current == END) {
                ended = true;
                Throwable f = failure;
                if (f != null) {
                    throw new IOException("creating the tar stream failed: " + f.getMessage(), f);
                }
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            thread.interrupt();
            chunks.clear();
        }
    }

    private final class ChunkingOutput extends OutputStream {
        private byte[] buffer = new byte[CHUNK];
        private int size;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int offset = off;
            int left = len;
            while (left > 0) {
                int n = Math.min(left, buffer.length - size);
                System.arraycopy(b, offset, buffer, size, n);
                size += n;
                offset += n;
                left -= n;
                if (size == buffer.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (size == 0) {
                return;
            }
            if (closed) {
                throw new IOException("the reader closed the tar stream");
            }
            byte[] chunk = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
            try {
                chunks.put(chunk);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the reader closed the tar stream");
            }
            buffer = new byte[CHUNK];
            size = 0;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
