package dev.concourse.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.spi.storage.Storage;
import dev.concourse.testkit.conformance.StorageConformanceTests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/** The store on an H2 file database passes the whole storage kit. */
class H2FileStorageConformanceTest extends StorageConformanceTests {
    private static Path directory;
    private static HikariDataSource dataSource;
    private static JpaStorage storage;

    @Override
    protected Storage createStorage() {
        if (storage == null) {
            try {
                directory = Files.createTempDirectory("concourse-db-h2-file");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dataSource = TestDatabases.h2File(directory);
            storage = JpaStorage.builder().dataSource(dataSource).build();
        } else {
            TestDatabases.wipe(dataSource);
        }
        return storage;
    }

    @Override
    protected void cleanUp(Storage used) {
        // shared by the tests of this class (emptied before each); closed after all of them
    }

    @AfterAll
    static void closeStorage() throws IOException {
        if (storage != null) {
            storage.close();
            dataSource.close();
            storage = null;
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
