package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Team;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The schema: applied once with the store's own changelog tables, printed offline, a stale lock released. */
class DbMigrationsTest {
    private final HikariDataSource dataSource = TestDatabases.h2Memory();

    @AfterEach
    void close() {
        dataSource.close();
    }

    private List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                ResultSet rs = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    private int changeSetsApplied() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM concourse_changelog")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void startingAppliesTheSchemaOnceAndRecordsItInTheStoresOwnChangelogTables() throws SQLException {
        try (JpaStorage storage = JpaStorage.builder().dataSource(dataSource).build()) {
            storage.teams().createIfAbsent(Team.MAIN);
        }
        int applied = changeSetsApplied();
        try (JpaStorage again = JpaStorage.builder().dataSource(dataSource).build()) {
            assertThat(again.teams().find(Team.MAIN)).isPresent();
        }

        assertThat(applied).isPositive();
        assertThat(changeSetsApplied()).as("nothing applied twice").isEqualTo(applied);
        assertThat(tables()).contains("concourse_changelog", "concourse_changelog_lock", "concourse_build_event",
                        "concourse_lease")
                .doesNotContain("databasechangelog", "databasechangeloglock");
    }

    @Test
    void theHostApplicationsPersistenceXmlAndLiquibaseTablesAreLeftAlone() throws SQLException {
        assertThat(getClass().getClassLoader().getResource("META-INF/persistence.xml"))
                .as("the host's persistence.xml of the test class path").isNotNull();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            // The host's own Liquibase history, which the store must neither read nor change.
            statement.execute("CREATE TABLE DATABASECHANGELOG (ID VARCHAR(255), AUTHOR VARCHAR(255))");
            statement.execute("INSERT INTO DATABASECHANGELOG VALUES ('host-1', 'host')");
        }

        try (JpaStorage storage = JpaStorage.builder().dataSource(dataSource).build()) {
            assertThat(storage.teams().createIfAbsent(Team.MAIN).name()).isEqualTo(Team.MAIN);
        }

        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT ID, AUTHOR FROM DATABASECHANGELOG")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("host-1");
            assertThat(rs.next()).as("nothing added to the host's changelog").isFalse();
        }
    }

    @Test
    void withoutMigrationAnEmptyDatabaseIsNotTouched() throws SQLException {
        try (JpaStorage storage = JpaStorage.builder().dataSource(dataSource).migrate(false).build()) {
            assertThatThrownBy(() -> storage.teams().list()).isInstanceOf(RuntimeException.class);
        }
        assertThat(tables()).doesNotContain("concourse_changelog", "concourse_team");
    }

    @Test
    void theSqlIsPrintedOfflineForEachDatabase() {
        for (String dbms : List.of("postgresql", "h2")) {
            StringWriter sql = new StringWriter();

            DbMigrations.printSql(dbms, sql);

            assertThat(sql.toString()).as(dbms)
                    .contains("CREATE TABLE concourse_build_event")
                    .contains("CREATE TABLE concourse_store_lock")
                    .containsIgnoringCase("concourse_changelog")
                    .doesNotContainIgnoringCase("DATABASECHANGELOG ");
        }
        StringWriter postgres = new StringWriter();
        DbMigrations.printSql("postgresql", postgres);
        assertThat(postgres.toString()).contains("payload TEXT NOT NULL");
    }

    @Test
    void anUnknownDatabaseKindIsRejected() {
        assertThatThrownBy(() -> DbMigrations.printSql("oracle", new StringWriter()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use postgresql or h2");
    }

    @Test
    void aStaleLockLeftByADeadProcessIsReleased() throws SQLException {
        DbMigrations.migrate(dataSource);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            // What a process that died while migrating leaves behind.
            statement.executeUpdate("UPDATE concourse_changelog_lock SET locked = TRUE,"
                    + " lockgranted = CURRENT_TIMESTAMP, lockedby = 'dead-host (10.0.0.9)' WHERE id = 1");
        }

        DbMigrations.releaseStaleLock(dataSource);

        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT locked FROM concourse_changelog_lock WHERE id = 1")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse();
        }
        try (JpaStorage storage = JpaStorage.builder().dataSource(dataSource).build()) {
            assertThat(storage.teams().createIfAbsent(Team.MAIN).name()).isEqualTo(Team.MAIN);
        }
    }
}
