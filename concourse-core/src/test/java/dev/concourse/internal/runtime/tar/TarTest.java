package dev.concourse.internal.runtime.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarTest {
    private static final String LONG_NAME = "deep/" + "d".repeat(60) + "/" + "e".repeat(60) + "/" + "f".repeat(150)
            + ".txt";
    private static final String LONG_TARGET = "t".repeat(150);

    @TempDir
    Path temp;
    Path source;
    Path target;

    @BeforeEach
    void tree() throws IOException {
        source = Files.createDirectories(temp.resolve("source"));
        target = temp.resolve("target");
        file("bin/tool", "#!/bin/sh\necho tool\n", 0755);
        file("docs/readme.txt", "read me\n", 0644);
        file("secret", "s3cr3t", 0600);
        file("setuid", "privileged", 04755);
        Files.createDirectories(source.resolve("empty"));
        mode(source.resolve("empty"), 0700);
        file("ro-dir/inside.txt", "inside a read-only directory", 0444);
        mode(source.resolve("ro-dir"), 0555);
        Files.createDirectories(source.resolve("links"));
        Files.createSymbolicLink(source.resolve("links/rel"), Path.of("../docs/readme.txt"));
        Files.createSymbolicLink(source.resolve("links/abs"), source.resolve("docs/readme.txt"));
        Files.createSymbolicLink(source.resolve("links/dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(source.resolve("links/dir"), Path.of("../docs"));
        Files.createSymbolicLink(source.resolve("long-link"), Path.of(LONG_TARGET));
        file(LONG_NAME, "long name", 0644);
        file("ünïcødé/日本語.txt", "unicode", 0644);
        Files.setLastModifiedTime(source.resolve("docs/readme.txt"), FileTime.from(Instant.parse("2020-02-02T10:00:00Z")));
    }

    private void file(String name, String content, int mode) throws IOException {
        Path path = source.resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        mode(path, mode);
    }

    private static void mode(Path path, int mode) throws IOException {
        Files.setAttribute(path, "unix:mode", mode);
    }

    private static byte[] tarOf(Path path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tar.write(path, out);
        return out.toByteArray();
    }

    private static List<TarEntry> entries(byte[] tar) throws IOException {
        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        List<TarEntry> entries = new ArrayList<>();
        TarEntry entry;
        while ((entry = reader.next()) != null) {
            entries.add(entry);
        }
        return entries;
    }

    @Nested
    class Writing {
        @Test
        void roundTripKeepsFilesModesTimesEmptyDirectoriesLinksAndLongNames() throws IOException {
            Tar.extract(new ByteArrayInputStream(tarOf(source)), target);
            assertThat(TreeSnapshot.of(target)).isEqualTo(TreeSnapshot.of(source));
            assertThat(TreeSnapshot.of(target)).containsEntry("setuid", TreeSnapshot.describe(source.resolve("setuid")))
                    .containsEntry("long-link", "link -> " + LONG_TARGET)
                    .containsKey(LONG_NAME)
                    .containsKey("ünïcødé/日本語.txt");
            assertThat(TreeSnapshot.describe(target.resolve("setuid"))).startsWith("file 4755");
        }

        @Test
        void aDirectoryIsWrittenAsItsContentWithDotSlashNamesInNameOrder() throws IOException {
            List<String> names = entries(tarOf(source)).stream().map(TarEntry::name).toList();
            assertThat(names.getFirst()).isEqualTo("./");
            assertThat(names).allMatch(n -> n.startsWith("./"));
            assertThat(names).contains("./bin/", "./bin/tool", "./empty/", "./links/rel", "./" + LONG_NAME);
            assertThat(names.indexOf("./bin/")).isLessThan(names.indexOf("./bin/tool"));
            assertThat(names.indexOf("./bin/tool")).isLessThan(names.indexOf("./docs/"));
        }

        @Test
        void entriesCarryTypesModesAndLinkTargets() throws IOException {
            Map<String, TarEntry> byName = new java.util.HashMap<>();
            entries(tarOf(source)).forEach(e -> byName.put(e.name(), e));
            assertThat(byName.get("./bin/tool").type()).isEqualTo(TarEntry.Type.FILE);
            assertThat(byName.get("./bin/tool").mode()).isEqualTo(0755);
            assertThat(byName.get("./setuid").mode()).isEqualTo(04755);
            assertThat(byName.get("./ro-dir/").type()).isEqualTo(TarEntry.Type.DIRECTORY);
            assertThat(byName.get("./ro-dir/").mode()).isEqualTo(0555);
            assertThat(byName.get("./links/dir").type()).isEqualTo(TarEntry.Type.SYMLINK);
            assertThat(byName.get("./links/dir").linkName()).isEqualTo("../docs");
            assertThat(byName.get("./docs/readme.txt").mtime()).isEqualTo(Instant.parse("2020-02-02T10:00:00Z")
                    .getEpochSecond());
            assertThat(byName.get("./docs/readme.txt").size()).isEqualTo(8);
        }

        @Test
        void equalTreesGiveEqualArchives() {
            assertThat(tarOf(source)).isEqualTo(tarOf(source));
        }

        @Test
        void aFileIsOneEntryNamedByItsFileName() throws IOException {
            List<TarEntry> entries = entries(tarOf(source.resolve("docs/readme.txt")));
            assertThat(entries).extracting(TarEntry::name).containsExactly("readme.txt");
            Tar.extract(new ByteArrayInputStream(tarOf(source.resolve("docs/readme.txt"))), target);
            assertThat(target.resolve("readme.txt")).hasContent("read me");
        }

        @Test
        void aLinkGivenAsSourceIsFollowed() throws IOException {
            List<TarEntry> entries = entries(tarOf(source.resolve("links/rel")));
            assertThat(entries).singleElement().satisfies(e -> {
                assertThat(e.name()).isEqualTo("rel");
                assertThat(e.type()).isEqualTo(TarEntry.Type.FILE);
            });
        }

        @Test
        void nothingAtTheSourceIsARuntimeOperationException() {
            assertThatThrownBy(() -> Tar.write(temp.resolve("missing"), OutputStream.nullOutputStream()))
                    .isInstanceOf(RuntimeOperationException.class)
                    .hasMessageContaining("missing");
            assertThatThrownBy(() -> Tar.streamOut(temp.resolve("missing")))
                    .isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        void aFiftyMegabyteFileStreamsThroughInBoundedMemory() throws IOException {
            Path big = source.resolve("big.bin");
            byte[] block = new byte[1024 * 1024];
            Random random = new Random(7);
            try (OutputStream out = Files.newOutputStream(big)) {
                for (int i = 0; i < 50; i++) {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            try (InputStream stream = Tar.streamOut(source)) {
                Tar.extract(stream, target);
            }
            assertThat(Files.size(target.resolve("big.bin"))).isEqualTo(50L * 1024 * 1024);
            assertThat(TreeSnapshot.sha256(target.resolve("big.bin"))).isEqualTo(TreeSnapshot.sha256(big));
        }

        @Test
        void sizesOfEightGibibytesAndMoreGoInAPaxHeader() throws IOException {
            long size = 8L * 1024 * 1024 * 1024 + 3;
            HeadOutput head = new HeadOutput(4096);
            TarWriter writer = new TarWriter(head);
            writer.file("huge.bin", 0644, size, 0, 0, 0, new Zeros(size));
            writer.finish();
            assertThat(head.count).isEqualTo(3 * 512 + size + 509 + 1024);
            assertThat(new String(head.bytes(), 512, 512, StandardCharsets.UTF_8)).contains("size=" + size + "\n");

            // Read it back without 8 GiB on disk: the same headers, then generated zeros.
            InputStream archive = new SequenceInputStream(new ByteArrayInputStream(head.bytes(), 0, 3 * 512),
                    new Zeros(size + 509 + 1024));
            TarReader reader = new TarReader(archive);
            TarEntry entry = reader.next();
            assertThat(entry.name()).isEqualTo("huge.bin");
            assertThat(entry.size()).isEqualTo(size);
            assertThat(reader.next()).isNull();
        }
    }

    @Nested
    class Reading {
        @Test
        void paxSizeOverridesTheHeader() throws IOException {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            byte[] records = PaxRecords.encode(Map.of("size", "5", "path", "from-pax.txt"));
            tar.writeBytes(TarWriter.encodeHeader("PaxHeaders/1", 'x', 0644, records.length, 0, "", 0, 0));
            tar.writeBytes(padded(records));
            tar.writeBytes(TarWriter.encodeHeader("short-name", '0', 0640, 0, 0, "", 0, 0));
            tar.writeBytes(padded("hello".getBytes(StandardCharsets.UTF_8)));
            tar.writeBytes(new byte[1024]);
            Tar.extract(new ByteArrayInputStream(tar.toByteArray()), target);
            assertThat(target.resolve("from-pax.txt")).hasContent("hello");
            assertThat(TreeSnapshot.describe(target.resolve("from-pax.txt"))).startsWith("file 640");
        }

        @Test
        void gnuLongNamesAndBase256SizesAreRead() throws IOException {
            String longName = "gnu/" + "n".repeat(200);
            byte[] nameBytes = (longName + "\0").getBytes(StandardCharsets.UTF_8);
            byte[] header = TarWriter.encodeHeader("gnu/short", '0', 0644, 0, 0, "", 0, 0);
            header[124] = (byte) 0x80; // base-256: 11 more bytes, big-endian
            java.util.Arrays.fill(header, 125, 136, (byte) 0);
            header[135] = 3;
            rechecksum(header);
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            tar.writeBytes(TarWriter.encodeHeader("././@LongLink", 'L', 0, nameBytes.length, 0, "", 0, 0));
            tar.writeBytes(padded(nameBytes));
            tar.writeBytes(header);
            tar.writeBytes(padded("abc".getBytes(StandardCharsets.UTF_8)));
            tar.writeBytes(new byte[1024]);
            Tar.extract(new ByteArrayInputStream(tar.toByteArray()), target);
            assertThat(target.resolve(longName)).hasContent("abc");
        }

        @Test
        void anArchiveWithoutEndMarkerEndsAtEndOfStream() throws IOException {
            byte[] tar = tarOf(source.resolve("secret"));
            byte[] noMarker = java.util.Arrays.copyOf(tar, tar.length - 1024);
            Tar.extract(new ByteArrayInputStream(noMarker), target);
            assertThat(target.resolve("secret")).hasContent("s3cr3t");
        }

        @Test
        void aBadChecksumIsRefused() {
            byte[] tar = tarOf(source.resolve("secret"));
            tar[10] ^= 1;
            assertThatThrownBy(() -> Tar.extract(new ByteArrayInputStream(tar), target))
                    .isInstanceOf(RuntimeOperationException.class)
                    .hasMessageContaining("checksum");
        }

        @Test
        void somethingThatIsNotATarIsRefused() {
            byte[] text = "this is not a tar archive\n".repeat(40).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Tar.extract(new ByteArrayInputStream(text), target))
                    .isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        void aTruncatedArchiveIsRefused() {
            byte[] tar = tarOf(source.resolve("docs"));
            byte[] truncated = java.util.Arrays.copyOf(tar, 512 * 2 + 3);
            assertThatThrownBy(() -> Tar.extract(new ByteArrayInputStream(truncated), target))
                    .isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        void sparseArchivesAreRefused() {
            ByteArrayOutputStream tar = new ByteArrayOutputStream();
            tar.writeBytes(TarWriter.encodeHeader("sparse", 'S', 0644, 0, 0, "", 0, 0));
            tar.writeBytes(new byte[1024]);
            assertThatThrownBy(() -> Tar.extract(new ByteArrayInputStream(tar.toByteArray()), target))
                    .isInstanceOf(RuntimeOperationException.class)
                    .hasMessageContaining("sparse");
        }

        @Test
        void theStreamIsReadToItsEnd() {
            byte[] tar = tarOf(source.resolve("secret"));
            ByteArrayInputStream in = new ByteArrayInputStream(
                    java.util.Arrays.copyOf(tar, tar.length + 10240)); // a writer's padding to a full record
            Tar.extract(in, target);
            assertThat(in.available()).isZero();
        }

        @Test
        void existingFilesAreReplacedAndExistingLinksNotFollowed() throws IOException {
            Path outside = Files.writeString(temp.resolve("outside.txt"), "untouched");
            Files.createDirectories(target);
            Files.writeString(target.resolve("secret"), "old content that is longer");
            mode(target.resolve("secret"), 0400);
            Tar.extract(new ByteArrayInputStream(tarOf(source.resolve("secret"))), target);
            assertThat(target.resolve("secret")).hasContent("s3cr3t");

            Files.createSymbolicLink(target.resolve("readme.txt"), outside);
            Tar.extract(new ByteArrayInputStream(tarOf(source.resolve("docs/readme.txt"))), target);
            assertThat(Files.isSymbolicLink(target.resolve("readme.txt"))).isFalse();
            assertThat(target.resolve("readme.txt")).hasContent("read me");
            assertThat(outside).hasContent("untouched");
        }
    }

    @Nested
    class HostileArchives {
        Path outside;

        @BeforeEach
        void outside() throws IOException {
            outside = Files.createDirectories(temp.resolve("outside"));
        }

        private void assertRefused(byte[] tar) throws IOException {
            assertThatThrownBy(() -> Tar.extract(new ByteArrayInputStream(tar), target))
                    .isInstanceOf(RuntimeOperationException.class)
                    .hasMessageContaining("refusing tar entry");
            try (var files = Files.list(outside)) {
                assertThat(files).as("nothing written outside the target").isEmpty();
            }
            assertThat(temp.resolve("escaped.txt")).doesNotExist();
        }

        private static byte[] archive(byte[]... headersAndContent) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : headersAndContent) {
                out.writeBytes(part);
            }
            out.writeBytes(new byte[1024]);
            return out.toByteArray();
        }

        private static byte[] file(String name) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(TarWriter.encodeHeader(name, '0', 0644, 4, 0, "", 0, 0));
            out.writeBytes(padded("evil".getBytes(StandardCharsets.UTF_8)));
            return out.toByteArray();
        }

        private static byte[] symlink(String name, String to) {
            return TarWriter.encodeHeader(name, '2', 0777, 0, 0, to, 0, 0);
        }

        @Test
        void absoluteNames() throws IOException {
            assertRefused(archive(file(temp.resolve("escaped.txt").toString())));
        }

        @Test
        void dotDotNames() throws IOException {
            assertRefused(archive(file("../escaped.txt")));
            assertRefused(archive(file("a/../../escaped.txt")));
            assertRefused(archive(file("./../outside/x")));
        }

        @Test
        void aFileThroughALinkToOutside() throws IOException {
            assertRefused(archive(symlink("link", outside.toString()), file("link/evil.txt")));
            assertRefused(archive(symlink("up", ".."), file("up/escaped.txt")));
        }

        @Test
        void aLinkChainLeadingOutside() throws IOException {
            assertRefused(archive(symlink("a", "b"), symlink("b", "../outside"), file("a/evil.txt")));
        }

        @Test
        void aDirectoryThroughALinkToOutside() throws IOException {
            assertRefused(archive(symlink("link", outside.toString()),
                    TarWriter.encodeHeader("link/sub/", '5', 0755, 0, 0, "", 0, 0)));
        }

        @Test
        void aHardLinkToOutside() throws IOException {
            assertRefused(archive(TarWriter.encodeHeader("hard", '1', 0644, 0, 0, "../outside/x", 0, 0)));
        }

        @Test
        void aDirectoryEntryReplacesALinkInsteadOfFollowingIt() throws IOException {
            Tar.extract(new ByteArrayInputStream(archive(symlink("link", outside.toString()),
                    TarWriter.encodeHeader("link/", '5', 0755, 0, 0, "", 0, 0))), target);
            assertThat(Files.isSymbolicLink(target.resolve("link"))).isFalse();
            assertThat(target.resolve("link")).isDirectory();
        }

        @Test
        void linksInsideTheTargetMayBeFollowed() throws IOException {
            Tar.extract(new ByteArrayInputStream(archive(TarWriter.encodeHeader("real/", '5', 0755, 0, 0, "", 0, 0),
                    symlink("alias", "real"), file("alias/through.txt"))), target);
            assertThat(target.resolve("real/through.txt")).hasContent("evil");
        }

        @Test
        void linksMayPointAnywhere() throws IOException {
            Tar.extract(new ByteArrayInputStream(archive(symlink("abs", "/etc/passwd"))), target);
            assertThat(Files.readSymbolicLink(target.resolve("abs"))).isEqualTo(Path.of("/etc/passwd"));
        }

        @Test
        void hardLinksInsideTheTargetWork() throws IOException {
            Tar.extract(new ByteArrayInputStream(archive(file("original.txt"),
                    TarWriter.encodeHeader("copy.txt", '1', 0644, 0, 0, "./original.txt", 0, 0))), target);
            assertThat(target.resolve("copy.txt")).hasContent("evil");
        }
    }

    @Test
    void paxRecordsRoundTripAcrossLengthBoundaries() {
        for (int n = 80; n < 120; n++) {
            Map<String, String> records = Map.of("path", "p".repeat(n));
            byte[] encoded = PaxRecords.encode(records);
            String text = new String(encoded, StandardCharsets.UTF_8);
            assertThat(Integer.parseInt(text.substring(0, text.indexOf(' ')))).isEqualTo(encoded.length);
            assertThat(PaxRecords.decode(encoded)).isEqualTo(records);
        }
        assertThatThrownBy(() -> PaxRecords.decode("99 path=x\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] padded(byte[] content) {
        return java.util.Arrays.copyOf(content, (content.length + 511) / 512 * 512);
    }

    private static void rechecksum(byte[] header) {
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, header, 148, 6);
        header[154] = 0;
    }

    /** {@code size} zero bytes, generated. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.min(n, left);
            left -= skipped;
            return skipped;
        }
    }

    /** Keeps the first bytes written and counts the rest. */
    private static final class HeadOutput extends OutputStream {
        private final byte[] head;
        private long count;

        HeadOutput(int keep) {
            this.head = new byte[keep];
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count < head.length) {
                System.arraycopy(b, off, head, (int) count, (int) Math.min(len, head.length - count));
            }
            count += len;
        }

        byte[] bytes() {
            return head;
        }
    }
}
