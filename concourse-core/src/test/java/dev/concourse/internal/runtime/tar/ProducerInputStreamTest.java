package dev.concourse.internal.runtime.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProducerInputStreamTest {

    @Test
    void deliversEverythingTheProducerWritesInOrder() throws IOException {
        byte[] expected = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31);
        }
        try (InputStream in = new ProducerInputStream("test", out -> {
            for (int i = 0; i < expected.length; i += 1000) {
                out.write(expected, i, Math.min(1000, expected.length - i));
            }
        })) {
            assertThat(in.readAllBytes()).isEqualTo(expected);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aFailureOfTheProducerReachesTheReaderAfterWhatWasWritten() throws IOException {
        try (InputStream in = new ProducerInputStream("test", out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk on fire");
        })) {
            byte[] start = in.readNBytes(7);
            assertThat(new String(start, StandardCharsets.UTF_8)).isEqualTo("partial");
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("disk on fire");
        }
    }

    @Test
    void closingEarlyStopsTheProducer() throws Exception {
        CompletableFuture<Throwable> stopped = new CompletableFuture<>();
        AtomicLong written = new AtomicLong();
        InputStream in = new ProducerInputStream("test", out -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (true) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                stopped.complete(e);
                throw e;
            }
        });
        assertThat(in.readNBytes(100_000)).hasSize(100_000);
        in.close();
        assertThat(stopped.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        assertThat(written.get()).as("the producer was held back by the bounded queue").isLessThan(4L * 1024 * 1024);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }
}
