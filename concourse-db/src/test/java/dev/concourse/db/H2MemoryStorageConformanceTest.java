package dev.concourse.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.spi.storage.Storage;
import dev.concourse.testkit.conformance.StorageConformanceTests;
import org.junit.jupiter.api.AfterAll;

/** The store on an H2 in-memory database passes the whole storage kit. */
class H2MemoryStorageConformanceTest extends StorageConformanceTests {
    private static HikariDataSource dataSource;
    private static JpaStorage storage;

    @Override
    protected Storage createStorage() {
        if (storage == null) {
            dataSource = TestDatabases.h2Memory();
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
    static void closeStorage() {
        if (storage != null) {
            storage.close();
            dataSource.close();
            storage = null;
        }
    }
}
