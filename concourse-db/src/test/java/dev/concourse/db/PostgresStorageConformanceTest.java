package dev.concourse.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.spi.storage.Storage;
import dev.concourse.testkit.conformance.StorageConformanceTests;
import org.junit.jupiter.api.AfterAll;

/**
 * The store on PostgreSQL passes the whole storage kit, in a schema of its own that is dropped
 * afterwards (so parallel and repeated runs do not collide).
 */
class PostgresStorageConformanceTest extends StorageConformanceTests {
    private static String url;
    private static String schema;
    private static HikariDataSource dataSource;
    private static JpaStorage storage;

    @Override
    protected Storage createStorage() {
        if (storage == null) {
            url = TestDatabases.postgresUrl();
            schema = TestDatabases.createSchema(url);
            dataSource = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
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
            TestDatabases.dropSchema(url, schema);
        }
    }
}
