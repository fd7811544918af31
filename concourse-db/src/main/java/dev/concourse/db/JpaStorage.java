package dev.concourse.db;

import dev.concourse.db.internal.DbStorage;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.TeamStore;
import dev.concourse.spi.storage.VersionHistory;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A {@link Storage} in a relational database: PostgreSQL for production and several engine nodes,
 * H2 (a file, or memory) for one embedded node. State survives restarts; several engines may share
 * one PostgreSQL database.
 *
 * <pre>{@code
 * Storage storage = JpaStorage.builder().dataSource(dataSource).build();
 * PipelineEngine engine = PipelineEngine.builder().storage(storage).build();
 * }</pre>
 *
 * <p>It runs Hibernate ORM in a persistence unit of its own (it never reads the application's
 * {@code persistence.xml} or entities) and applies its schema with Liquibase at start, recording it in
 * {@code concourse_changelog} and {@code concourse_changelog_lock} so that it never collides with the
 * application's own Liquibase. Its tables are prefixed {@code concourse_}: give it a schema of its
 * own if you like, through the data source. {@link DbMigrations} prints the SQL offline and
 * releases a stale migration lock.
 *
 * <p>Transactions are serializable: writers take one row lock of the store, on every node, and
 * readers see committed data. Event appends do not take that lock, and appends made outside a
 * transaction are committed in groups (the log chunks of many builds in one transaction). Event
 * text is stored sanitized: NUL characters become the JSON escape {@code \u0000}, lone surrogates
 * U+FFFD. Values larger than the schema holds (names over 1024 characters, an event over 1 MiB)
 * are rejected with {@link IllegalArgumentException}.
 *
 * <p>Several nodes may share one PostgreSQL database: writes serialize on the store lock,
 * {@link #leases()} are timed by the database's clock and carry fencing tokens, and appends notify
 * every node: {@code events().notifications()} offers them to the engine (a subscriber follows a
 * build that runs on another node; one listening connection per storage, opened at the first such
 * subscription and closed with the storage), and {@link BuildEventFeed} to the application. H2
 * serves one node and offers no notifications.
 *
 * <p>Close it to stop its writer thread and listening connection and release Hibernate; the data
 * source is the caller's and stays open.
 */
public final class JpaStorage implements Storage {
    private final DbStorage storage;

    private JpaStorage(DbStorage storage) {
        this.storage = storage;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link JpaStorage}. */
    public static final class Builder {
        private DataSource dataSource;
        private boolean migrate = true;

        private Builder() {
        }

        /** The database, PostgreSQL or H2; a pooled data source is best (several threads use it). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Whether to bring the schema up to date at start (default true). Turn it off when a DBA
         * applies the SQL of {@link DbMigrations#printSql} instead.
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * Migrates (unless turned off) and starts the store.
         *
         * @throws IllegalStateException if the database cannot be reached or migrated
         */
        public JpaStorage build() {
            if (dataSource == null) {
                throw new IllegalStateException("JpaStorage needs a data source: call dataSource(...) first");
            }
            return new JpaStorage(DbStorage.open(dataSource, migrate));
        }
    }

    @Override
    public TeamStore teams() {
        return storage.teams();
    }

    @Override
    public PipelineStore pipelines() {
        return storage.pipelines();
    }

    @Override
    public BuildStore builds() {
        return storage.builds();
    }

    @Override
    public BuildEventStore events() {
        return storage.events();
    }

    @Override
    public ResourceVersionStore versions() {
        return storage.versions();
    }

    @Override
    public VersionHistory history() {
        return storage.history();
    }

    @Override
    public LeaseStore leases() {
        return storage.leases();
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return storage.inTransaction(work);
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "JpaStorage";
    }
}
