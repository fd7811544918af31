package dev.concourse.internal.runtime.tar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our tar against the system's GNU tar, both ways. */
class TarInteropTest {
    private static final String LONG_NAME = "deep/" + "d".repeat(90) + "/" + "f".repeat(120) + ".txt";

    @TempDir
    Path temp;
    Path source;

    @BeforeAll
    static void gnuTarIsInstalled() throws Exception {
        // A prerequisite installed by .ci/run: missing, it fails the test rather than skip it.
        org.assertj.core.api.Assertions.assertThat(run(List.of("tar", "--version"), null))
                .as("GNU tar on PATH (apt-get install tar)").contains("GNU tar");
    }

    @BeforeEach
    void tree() throws IOException {
        source = Files.createDirectories(temp.resolve("source"));
        write("bin/tool", "#!/bin/sh\necho tool\n", 0755);
        write("docs/readme.txt", "read me\n", 0644);
        write("secret", "s3cr3t", 0600);
        write(LONG_NAME, "long", 0644);
        write("ünïcødé.txt", "unicode", 0644);
        Files.createDirectories(source.resolve("empty"));
        Files.setAttribute(source.resolve("empty"), "unix:mode", 0700);
        Files.createSymbolicLink(source.resolve("link"), Path.of("docs/readme.txt"));
        Files.createSymbolicLink(source.resolve("long-link"), Path.of("x".repeat(120)));
    }

    private void write(String name, String content, int mode) throws IOException {
        Path path = source.resolve(name);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        Files.setAttribute(path, "unix:mode", mode);
    }

    @Test
    void gnuTarListsAndExtractsWhatWeWrite() throws Exception {
        Path archive = temp.resolve("ours.tar");
        try (OutputStream out = Files.newOutputStream(archive)) {
            Tar.write(source, out);
        }
        String listing = run(List.of("tar", "-tvf", archive.toString()), null);
        assertThat(listing).contains("./" + LONG_NAME, "./ünïcødé.txt", "./link -> docs/readme.txt",
                "./long-link -> " + "x".repeat(120), "-rwxr-xr-x", "drwx------");

        Path extracted = Files.createDirectories(temp.resolve("by-gnu"));
        run(List.of("tar", "-xpf", archive.toString(), "-C", extracted.toString()), null);
        assertThat(TreeSnapshot.of(extracted)).isEqualTo(TreeSnapshot.of(source));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax", "ustar", "posix", "v7"})
    void weExtractWhatGnuTarWrites(String format) throws Exception {
        Path archive = temp.resolve(format + ".tar");
        boolean limited = format.equals("ustar") || format.equals("v7");
        if (limited) {
            // These formats cannot hold the long names or non-ASCII-safe names at all.
            Files.delete(source.resolve(LONG_NAME));
            Files.delete(source.resolve("long-link"));
        }
        run(List.of("tar", "--format=" + format, "-cf", archive.toString(), "-C", source.toString(), "."), null);
        Path extracted = temp.resolve("by-us-" + format);
        try (InputStream in = Files.newInputStream(archive)) {
            Tar.extract(in, extracted);
        }
        assertThat(TreeSnapshot.of(extracted)).isEqualTo(TreeSnapshot.of(source));
    }

    @Test
    void weExtractHardLinksGnuTarWrites() throws Exception {
        Files.createLink(source.resolve("docs/hard"), source.resolve("docs/readme.txt"));
        Path archive = temp.resolve("hard.tar");
        run(List.of("tar", "-cf", archive.toString(), "-C", source.toString(), "."), null);
        assertThat(run(List.of("tar", "-tvf", archive.toString()), null)).contains("link to");
        Path extracted = temp.resolve("hard");
        try (InputStream in = Files.newInputStream(archive)) {
            Tar.extract(in, extracted);
        }
        assertThat(extracted.resolve("docs/hard")).hasContent("read me");
        assertThat(extracted.resolve("docs/readme.txt")).hasContent("read me");
    }

    @Test
    void gnuTarReadsOurStreamThroughAPipe() throws Exception {
        Path extracted = Files.createDirectories(temp.resolve("piped"));
        try (InputStream tar = Tar.streamOut(source)) {
            run(List.of("tar", "-xpf", "-", "-C", extracted.toString()), tar);
        }
        assertThat(TreeSnapshot.of(extracted)).isEqualTo(TreeSnapshot.of(source));
    }

    private static String run(List<String> command, InputStream stdin) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command + " (is it installed?): " + e.getMessage(), e);
        }
        List<Throwable> failures = new ArrayList<>();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    stdin.transferTo(in);
                }
            } catch (IOException e) {
                failures.add(e);
            }
        });
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        feeder.join();
        assertThat(process.exitValue()).as("exit status of %s, output:%n%s", command, output).isZero();
        assertThat(failures).isEmpty();
        return output;
    }
}
