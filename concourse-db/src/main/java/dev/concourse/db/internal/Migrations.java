package dev.concourse.db.internal;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.OfflineConnection;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.ResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * The schema, applied with Liquibase from our own changelog. Liquibase records what it applied in
 * {@code concourse_changelog} and locks with {@code concourse_changelog_lock}, so it never touches
 * (or waits for) the host application's {@code DATABASECHANGELOG}.
 */
public final class Migrations {
    public static final String CHANGELOG = "dev/concourse/db/changelog.xml";
    public static final String CHANGELOG_TABLE = "concourse_changelog";
    public static final String LOCK_TABLE = "concourse_changelog_lock";

    private Migrations() {
    }

    /** Applies what the database does not have yet. */
    public static void update(DataSource dataSource) {
        withLiquibase(dataSource, "apply the concourse-db schema", liquibase -> update(liquibase, null));
    }

    /** Releases a lock left by a process that died while migrating. */
    public static void releaseLock(DataSource dataSource) {
        withLiquibase(dataSource, "release the concourse-db migration lock", Liquibase::forceReleaseLocks);
    }

    /**
     * Writes the SQL that {@link #update} would run on an empty database of this kind, without
     * connecting to one: for a DBA to review or run by hand.
     *
     * @param dbms {@code postgresql} or {@code h2}
     */
    public static void printSql(String dbms, Writer out) {
        ResourceAccessor accessor = new ClassLoaderResourceAccessor(Migrations.class.getClassLoader());
        Path history = null;
        try {
            // Offline, Liquibase tracks what it "applied" in a CSV file: a fresh one each time, so
            // that the whole schema is printed, then deleted.
            Path directory = Files.createTempDirectory("concourse-db-sql");
            history = directory.resolve("changelog.csv");
            OfflineConnection connection = new OfflineConnection("offline:" + dbms + "?outputLiquibaseSql=all"
                    + "&changeLogFile=" + history.toAbsolutePath(), accessor);
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(connection);
            configure(database);
            try (Liquibase liquibase = new Liquibase(CHANGELOG, accessor, database)) {
                quietly(ignored -> update(liquibase, out));
            }
        } catch (IOException | LiquibaseException e) {
            throw new IllegalStateException("cannot write the concourse-db schema SQL for " + dbms + ": "
                    + e.getMessage(), e);
        } finally {
            if (history != null) {
                try {
                    Files.deleteIfExists(history);
                    Files.deleteIfExists(history.getParent());
                } catch (IOException e) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private interface LiquibaseWork {
        void run(Liquibase liquibase) throws LiquibaseException;
    }

    @SuppressWarnings("deprecation")
    private static void update(Liquibase liquibase, Writer out) throws LiquibaseException {
        if (out == null) {
            liquibase.update(new Contexts(), new LabelExpression());
        } else {
            liquibase.update(new Contexts(), new LabelExpression(), out);
        }
    }

    private static void configure(Database database) {
        database.setDatabaseChangeLogTableName(CHANGELOG_TABLE);
        database.setDatabaseChangeLogLockTableName(LOCK_TABLE);
    }

    /**
     * Runs Liquibase with its messages going to its logger, never to standard output (which belongs
     * to the application: the runner prints build logs there).
     */
    private static void quietly(LiquibaseWork work) throws LiquibaseException {
        try {
            Scope.child(Map.of(Scope.Attr.ui.name(), new LoggerUIService()), () -> work.run(null));
        } catch (LiquibaseException e) {
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new LiquibaseException(e);
        }
    }

    private static void withLiquibase(DataSource dataSource, String what, LiquibaseWork work) {
        try {
            Connection connection = dataSource.getConnection();
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            configure(database);
            try (Liquibase liquibase = new Liquibase(CHANGELOG,
                    new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()), database)) {
                quietly(ignored -> work.run(liquibase));
            }
        } catch (SQLException | LiquibaseException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("lock")
                            ? " (if a process died while migrating, release the stale lock: see docs/storage.md)"
                            : ""), e);
        }
    }
}
