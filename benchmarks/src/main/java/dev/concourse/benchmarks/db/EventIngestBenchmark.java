package dev.concourse.benchmarks.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.db.JpaStorage;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StoredEvent;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.PGConnection;

/**
 * Build log ingest into PostgreSQL: {@value #EVENTS} log events of one build appended through
 * {@code JpaStorage}'s event store ({@code store}, in the batches of 4,096 the engine's event log
 * hands it, each call committed by the store's group commit), the same through the lease-checked
 * append that the engine uses for every build it runs under a lease ({@code fencedStore}: the
 * group commit checks the build's lease row in its transaction), against the same rows written with
 * raw JDBC {@code COPY} into a table of the same shape ({@code copy}), in the same run. Scores are
 * events per second. Target, for the engine's path ({@code fencedStore}): at least 50,000 events/s
 * and at least half of {@code COPY}.
 *
 * <p>The events are encoded once in the setup (JSON encoding is the event log's work, not the
 * store's). Uses the database of {@code CONCOURSE_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}) in a schema of its own,
 * {@value #SCHEMA}, dropped and created again at the start.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventIngestBenchmark {
    static final int EVENTS = 20_000;
    private static final int BATCH = 4096;
    private static final String SCHEMA = "concourse_bench_ingest";
    private static final String LINE = "the quick brown fox jumps over the lazy dog, 0123456789, ".repeat(2);

    private HikariDataSource dataSource;
    private JpaStorage storage;
    private Connection copyConnection;
    private List<StoredEvent> events;
    private long copyBuildId;

    @Setup(Level.Trial)
    public void connect() throws SQLException {
        String url = System.getenv().getOrDefault("CONCOURSE_TEST_POSTGRES_URL",
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(schemaUrl);
        config.setMaximumPoolSize(4);
        dataSource = new HikariDataSource(config);
        storage = JpaStorage.builder().dataSource(dataSource).build();
        storage.teams().createIfAbsent("main");
        copyConnection = DriverManager.getConnection(schemaUrl);
        try (Statement s = copyConnection.createStatement()) {
            s.execute("CREATE TABLE copy_event (LIKE concourse_build_event INCLUDING ALL)");
        }
        events = new ArrayList<>(EVENTS);
        for (int i = 1; i <= EVENTS; i++) {
            events.add(new StoredEvent(i, "log", String.format(Locale.ROOT,
                    "{\"time\":1767225600,\"origin\":{\"id\":\"task\",\"source\":\"stdout\"},\"payload\":\"%s %d\\n\"}",
                    LINE, i)));
        }
    }

    @TearDown(Level.Trial)
    public void disconnect() throws SQLException {
        copyConnection.close();
        storage.close();
        dataSource.close();
    }

    /** Per invocation: a new build whose log the store gets, and a lease on it as an engine node holds. */
    @State(Scope.Thread)
    public static class NewBuild {
        long id;
        Lease lease;

        @Setup(Level.Invocation)
        public void create(EventIngestBenchmark run) {
            id = run.storage.builds().createOneOffBuild("main", Instant.parse("2026-01-01T00:00:00Z")).id();
            lease = run.storage.leases().acquire("build:" + id, "bench-node", Duration.ofMinutes(10)).orElseThrow();
        }

        @TearDown(Level.Invocation)
        public void verify(EventIngestBenchmark run) {
            long stored = run.storage.events().lastSequence(id);
            if (stored != EVENTS) {
                throw new IllegalStateException("build " + id + " has " + stored + " events stored, not " + EVENTS);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void store(NewBuild build) {
        for (int from = 0; from < EVENTS; from += BATCH) {
            storage.events().append(build.id, events.subList(from, Math.min(EVENTS, from + BATCH)));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void fencedStore(NewBuild build) {
        for (int from = 0; from < EVENTS; from += BATCH) {
            storage.events().append(build.id, events.subList(from, Math.min(EVENTS, from + BATCH)), build.lease);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long copy() throws SQLException, IOException {
        long buildId = ++copyBuildId;
        StringBuilder csv = new StringBuilder(EVENTS * 200);
        for (StoredEvent event : events) {
            csv.append(buildId).append(',').append(event.sequence()).append(',').append(event.type()).append(",\"")
                    .append(event.json().replace("\"", "\"\"")).append("\"\n");
        }
        try (Reader rows = new StringReader(csv.toString())) {
            long copied = copyConnection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY copy_event (build_id, seq, event_type, payload) FROM STDIN WITH (FORMAT csv)", rows);
            if (copied != EVENTS) {
                throw new IllegalStateException("COPY wrote " + copied + " rows, not " + EVENTS);
            }
            return copied;
        }
    }
}
