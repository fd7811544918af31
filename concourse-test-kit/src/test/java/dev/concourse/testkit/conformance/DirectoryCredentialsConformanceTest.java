package dev.concourse.testkit.conformance;

import dev.concourse.credentials.DirectoryCredentials;
import dev.concourse.spi.credentials.CredentialManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryCredentials} against the credential manager kit: each secret is a file (with a
 * trailing newline, as editors write them), each map a directory of files and subdirectories.
 */
class DirectoryCredentialsConformanceTest extends CredentialManagerConformanceTests {
    @TempDir
    Path temp;

    private int stores;

    @Override
    protected CredentialManager createManager(Map<String, Object> secretsByPath) {
        Path root = temp.resolve("store-" + stores++);
        try {
            Files.createDirectories(root);
            for (Map.Entry<String, Object> secret : secretsByPath.entrySet()) {
                write(root.resolve(secret.getKey().substring(1)), secret.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return DirectoryCredentials.of(root);
    }

    private static void write(Path target, Object value) throws IOException {
        if (value instanceof Map<?, ?> fields) {
            Files.createDirectories(target);
            Files.writeString(target.resolve(DirectoryCredentials.MAP_MARKER), "");
            for (Map.Entry<?, ?> field : fields.entrySet()) {
                write(target.resolve(String.valueOf(field.getKey())), field.getValue());
            }
        } else {
            Files.createDirectories(target.getParent());
            Files.writeString(target, value + "\n", StandardCharsets.UTF_8);
        }
    }
}
