package dev.concourse.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.spi.credentials.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCredentialsTest {

    @TempDir
    Path dir;

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void aFileIsAValueWithoutOneTrailingNewline() throws IOException {
        write("main/ci/token", "t1\n");
        write("main/crlf", "t2\r\n");
        write("main/two-newlines", "t3\n\n");
        write("main/none", "t4");
        DirectoryCredentials creds = DirectoryCredentials.of(dir);
        assertThat(creds.lookup("/main/ci/token")).contains(Secret.of("t1"));
        assertThat(creds.lookup("/main/crlf")).contains(Secret.of("t2"));
        assertThat(creds.lookup("/main/two-newlines")).contains(Secret.of("t3\n"));
        assertThat(creds.lookup("/main/none")).contains(Secret.of("t4"));
        assertThat(creds.lookup("/main/missing")).isEmpty();
        assertThat(creds.lookup("/other/ci/token")).isEmpty();
    }

    @Test
    void aDirectoryIsAMapOfItsFilesWithoutHiddenEntries() throws IOException {
        write("main/registry/user", "ci\n");
        write("main/registry/password", "pw\n");
        write("main/registry/nested/key", "k");
        write("main/registry/.hidden", "no");
        write("main/registry/" + DirectoryCredentials.MAP_MARKER, "");
        Map<String, Object> expected = Map.of("nested", Map.of("key", "k"), "password", "pw", "user", "ci");
        Secret secret = DirectoryCredentials.of(dir).lookup("/main/registry").orElseThrow();
        assertThat(secret.value()).isEqualTo(expected);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) secret.value();
        assertThat(map.keySet()).containsExactly("nested", "password", "user");
    }

    @Test
    void unmarkedDirectoriesAreFoldersNotValuesSoPipelinesCannotReadEachOthersSecrets() throws IOException {
        write("main/ci/token", "ci's secret");
        DirectoryCredentials creds = DirectoryCredentials.of(dir);

        assertThat(creds.lookup("/main/ci")).isEmpty();
        assertThat(creds.lookup("/main/ci/token")).contains(Secret.of("ci's secret"));
    }

    @Test
    void followsLinksThatStayInsideLikeKubernetesMounts() throws IOException {
        write("main/..2024_01_01/user", "ci\n");
        Files.createSymbolicLink(dir.resolve("main/..data"), Path.of("..2024_01_01"));
        Files.createSymbolicLink(dir.resolve("main/user"), Path.of("..data/user"));
        DirectoryCredentials creds = DirectoryCredentials.of(dir);
        assertThat(creds.lookup("/main/user")).contains(Secret.of("ci"));
        assertThat(creds.lookup("/main")).map(Secret::value).contains(Map.of("user", "ci"));
    }

    @Test
    void refusesPathsThatLeaveTheDirectory(@TempDir Path outside) throws IOException {
        Files.writeString(outside.resolve("passwd"), "root");
        Files.createDirectories(dir.resolve("main"));
        Files.createSymbolicLink(dir.resolve("main/link"), outside.resolve("passwd"));
        Files.createSymbolicLink(dir.resolve("main/dirlink"), outside);
        DirectoryCredentials creds = DirectoryCredentials.of(dir);
        for (String path : new String[] {"/main/../../passwd", "/main/./x", "/main//x", "/.."}) {
            assertThatThrownBy(() -> creds.lookup(path))
                    .isInstanceOfSatisfying(CredentialLookupException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("refusing secret path '" + path + "'");
        }
        assertThatThrownBy(() -> creds.lookup("/main/link"))
                .isInstanceOf(CredentialLookupException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> creds.lookup("/main/dirlink/passwd"))
                .isInstanceOf(CredentialLookupException.class).hasMessageContaining("outside");
        Files.writeString(dir.resolve("main/" + DirectoryCredentials.MAP_MARKER), "");
        assertThatThrownBy(() -> creds.lookup("/main"))
                .isInstanceOf(CredentialLookupException.class).hasMessageContaining("outside");
    }

    @Test
    void refusesFilesThatAreNotUtf8OrTooLarge() throws IOException {
        Files.createDirectories(dir.resolve("main"));
        Files.write(dir.resolve("main/binary"), new byte[] {(byte) 0xff, (byte) 0xfe});
        Files.write(dir.resolve("main/large"), new byte[1024 * 1024 + 1]);
        DirectoryCredentials creds = DirectoryCredentials.of(dir);
        assertThatThrownBy(() -> creds.lookup("/main/binary")).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> creds.lookup("/main/large")).hasMessageContaining("at most 1048576 bytes");
    }

    @Test
    void needsAnExistingDirectory() {
        assertThatThrownBy(() -> DirectoryCredentials.of(dir.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Test
    void usesTheDefaultTemplatesUnlessToldOtherwise() throws IOException {
        DirectoryCredentials creds = DirectoryCredentials.of(dir);
        assertThat(creds.id()).isEqualTo("directory");
        assertThat(creds.directory()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(creds.lookupTemplates()).hasSize(2);
        assertThat(creds.withLookupTemplates("/shared/{{.Secret}}").withId("mounted").lookupTemplates())
                .extracting(Object::toString).containsExactly("/shared/{{.Secret}}");
    }
}
