package dev.concourse.db;

import dev.concourse.db.internal.Migrations;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The schema of {@link JpaStorage} outside the storage: apply it, print it offline, release a
 * stale lock. From the command line (with concourse-db and its dependencies on the class path):
 *
 * <pre>
 * java dev.concourse.db.DbMigrations sql postgresql     # the SQL, no database needed
 * java dev.concourse.db.DbMigrations sql h2
 * </pre>
 */
public final class DbMigrations {
    /** The table where Liquibase records applied change sets (instead of DATABASECHANGELOG). */
    public static final String CHANGELOG_TABLE = Migrations.CHANGELOG_TABLE;
    /** Liquibase's lock table (instead of DATABASECHANGELOGLOCK). */
    public static final String LOCK_TABLE = Migrations.LOCK_TABLE;

    private DbMigrations() {
    }

    /** Brings the schema up to date, as {@link JpaStorage} does at start. */
    public static void migrate(DataSource dataSource) {
        Migrations.update(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Releases the migration lock that a process left when it died while migrating (a start then
     * waits for it, and fails after five minutes saying "Could not acquire change log lock"). Call
     * it only when no other process is migrating.
     */
    public static void releaseStaleLock(DataSource dataSource) {
        Migrations.releaseLock(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Writes the SQL that migrating an empty database would run, without connecting to one,
     * including the statements that record it in {@link #CHANGELOG_TABLE}.
     *
     * @param dbms {@code postgresql} or {@code h2}
     */
    public static void printSql(String dbms, Writer out) {
        Objects.requireNonNull(dbms, "dbms");
        if (!dbms.equals("postgresql") && !dbms.equals("h2")) {
            throw new IllegalArgumentException("unknown database '" + dbms + "': use postgresql or h2");
        }
        Migrations.printSql(dbms, out);
    }

    /** {@code sql postgresql|h2}: prints the schema SQL on standard output. */
    public static void main(String[] args) {
        if (args.length != 2 || !args[0].equals("sql")) {
            System.err.println("usage: DbMigrations sql postgresql|h2");
            System.exit(2);
            return;
        }
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        printSql(args[1], out);
        out.flush();
    }
}
