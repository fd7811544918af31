package dev.concourse.db;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The database store's own behaviour on H2 (a fresh in-memory database per test). */
class H2StorageBehaviourTest extends DbStorageBehaviourTests {
    private HikariDataSource dataSource;

    @Override
    DataSource dataSource() {
        if (dataSource == null) {
            dataSource = TestDatabases.h2Memory();
        }
        return dataSource;
    }

    @AfterEach
    void closeDataSource() {
        dataSource.close();
    }
}
