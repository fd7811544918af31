package dev.concourse.db;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Databases for tests. H2 always works. PostgreSQL comes from Testcontainers when a Docker engine is
 * there, else from {@code CONCOURSE_TEST_POSTGRES_URL}; without either, PostgreSQL tests are
 * skipped, except in CI ({@code CI=true}), where they fail.
 */
final class TestDatabases {
    static final String POSTGRES_URL_ENV = "CONCOURSE_TEST_POSTGRES_URL";

    /** Every table of the store that holds data (not the lock row, not Liquibase's tables). */
    static final List<String> DATA_TABLES = List.of("concourse_build_event", "concourse_build_input",
            "concourse_build_output", "concourse_build_pipe", "concourse_successful_output", "concourse_next_inputs",
            "concourse_build", "concourse_job", "concourse_lease", "concourse_disabled_version",
            "concourse_scope_version",
            "concourse_scope", "concourse_version", "concourse_resource", "concourse_pipeline", "concourse_team");

    private static PostgreSQLContainer container;

    private TestDatabases() {
    }

    static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(12);
        config.setPoolName("test-" + UUID.randomUUID().toString().substring(0, 8));
        return new HikariDataSource(config);
    }

    static HikariDataSource h2Memory() {
        return pool("jdbc:h2:mem:concourse-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    static HikariDataSource h2File(Path directory) {
        return pool("jdbc:h2:file:" + directory.resolve("state").toAbsolutePath(), "sa", "");
    }

    /** The JDBC URL of a PostgreSQL server for tests (with user), skipping or failing without one. */
    static synchronized String postgresUrl() {
        String url = System.getenv(POSTGRES_URL_ENV);
        if (url != null && !url.isBlank()) {
            return url;
        }
        if (container == null && dockerAvailable()) {
            container = new PostgreSQLContainer("postgres:15-alpine");
            container.start();
        }
        if (container != null) {
            return container.getJdbcUrl() + (container.getJdbcUrl().contains("?") ? "&" : "?") + "user="
                    + container.getUsername() + "&password=" + container.getPassword();
        }
        String why = "no PostgreSQL for the tests: no Docker engine for Testcontainers and " + POSTGRES_URL_ENV
                + " is not set (for example jdbc:postgresql://127.0.0.1:5432/test?user=postgres)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        assumeTrue(false, why);
        return null;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A PostgreSQL schema of its own for one test class; drop it with {@link #dropSchema}. */
    static String createSchema(String url) {
        String schema = "concourse_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        execute(url, "CREATE SCHEMA " + schema);
        return schema;
    }

    static void dropSchema(String url, String schema) {
        execute(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    static String withSchema(String url, String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + url + ": " + e.getMessage(), e);
        }
    }

    /** Empties every data table, so that a shared storage looks new to the next test. */
    static void wipe(javax.sql.DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : DATA_TABLES) {
                statement.execute("DELETE FROM " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the tables: " + e.getMessage(), e);
        }
    }
}
