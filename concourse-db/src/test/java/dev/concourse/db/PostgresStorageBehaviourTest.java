package dev.concourse.db;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The database store's own behaviour on PostgreSQL (a schema of its own per test, dropped after it). */
class PostgresStorageBehaviourTest extends DbStorageBehaviourTests {
    private String url;
    private String schema;
    private HikariDataSource dataSource;

    @Override
    DataSource dataSource() {
        if (dataSource == null) {
            url = TestDatabases.postgresUrl();
            schema = TestDatabases.createSchema(url);
            dataSource = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
        }
        return dataSource;
    }

    @AfterEach
    void dropSchema() {
        if (dataSource != null) {
            dataSource.close();
            TestDatabases.dropSchema(url, schema);
        }
    }
}
