package dev.concourse.samples.runner;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.db.JpaStorage;
import dev.concourse.spi.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code --database URL}: the runner's state in H2 ({@code jdbc:h2:file:./.concourse/state}) or
 * PostgreSQL ({@code jdbc:postgresql://host/db?user=...}), through a small connection pool.
 */
final class StateDatabase implements AutoCloseable {
    private static final String H2_FILE = "jdbc:h2:file:";
    /** Liquibase logs through java.util.logging; held here so that the level set stays. */
    private static final Logger LIQUIBASE = Logger.getLogger("liquibase");

    private final HikariDataSource dataSource;
    private final JpaStorage storage;

    private StateDatabase(HikariDataSource dataSource, JpaStorage storage) {
        this.dataSource = dataSource;
        this.storage = storage;
    }

    /**
     * Connects, migrates the schema and starts the store.
     *
     * @throws IllegalArgumentException if the URL is not an H2 or PostgreSQL JDBC URL
     * @throws IllegalStateException    if the database cannot be reached or migrated
     */
    static StateDatabase open(String url) {
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--database takes a JDBC URL of H2 or PostgreSQL, such as"
                    + " jdbc:h2:file:./.concourse/state or jdbc:postgresql://localhost/concourse?user=ci, not '"
                    + url + "'");
        }
        if (url.startsWith(H2_FILE)) {
            createParent(url.substring(H2_FILE.length()).split(";", 2)[0]);
        }
        // Migration progress is not news on a command line; warnings and errors still show.
        LIQUIBASE.setLevel(Level.WARNING);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(8);
        config.setPoolName("concourse-runner");
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            return new StateDatabase(dataSource, JpaStorage.builder().dataSource(dataSource).build());
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static void createParent(String file) {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + parent + " for the state database: " + e.getMessage(),
                    e);
        }
    }

    Storage storage() {
        return storage;
    }

    @Override
    public void close() {
        try {
            storage.close();
        } finally {
            dataSource.close();
        }
    }
}
