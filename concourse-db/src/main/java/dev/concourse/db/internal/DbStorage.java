package dev.concourse.db.internal;

import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.TeamStore;
import dev.concourse.spi.storage.VersionHistory;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** The stores over one database, wired together; {@code JpaStorage} is its public face. */
public final class DbStorage implements Storage {
    private final Db db;
    private final EventWriter writer;
    private final DbTeamStore teams;
    private final DbPipelineStore pipelines;
    private final DbBuildStore builds;
    private final DbEventStore events;
    private final DbVersionStore versions;
    private final DbVersionHistory history;
    private final DbLeaseStore leases;
    private final DbEventNotifications notifications;

    private DbStorage(Db db, DataSource dataSource) {
        this.db = db;
        Records records = new Records();
        this.writer = new EventWriter(db);
        this.teams = new DbTeamStore(db);
        this.versions = new DbVersionStore(db, records);
        this.pipelines = new DbPipelineStore(db, records, new DbResourceSync(versions));
        this.builds = new DbBuildStore(db, records, new DbBuildHistory(records));
        // PostgreSQL tells every node about appends (NOTIFY); H2 serves one node.
        this.notifications = db.dialect() == Db.Dialect.POSTGRESQL ? new DbEventNotifications(dataSource,
                new DbEventStore(db, writer, null)) : null;
        this.events = new DbEventStore(db, writer, notifications);
        this.history = new DbVersionHistory(db);
        this.leases = new DbLeaseStore(db);
    }

    /**
     * Opens the store: applies the schema first when {@code migrate}, then starts Hibernate over
     * the data source.
     */
    public static DbStorage open(DataSource dataSource, boolean migrate) {
        if (migrate) {
            Migrations.update(dataSource);
        }
        return new DbStorage(Bootstrap.start(dataSource), dataSource);
    }

    @Override
    public TeamStore teams() {
        return teams;
    }

    @Override
    public PipelineStore pipelines() {
        return pipelines;
    }

    @Override
    public BuildStore builds() {
        return builds;
    }

    @Override
    public BuildEventStore events() {
        return events;
    }

    @Override
    public ResourceVersionStore versions() {
        return versions;
    }

    @Override
    public VersionHistory history() {
        return history;
    }

    @Override
    public LeaseStore leases() {
        return leases;
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return db.inTransaction(work);
    }

    @Override
    public void close() {
        if (notifications != null) {
            notifications.close();
        }
        writer.close();
        db.close();
    }
}
