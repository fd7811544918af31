package dev.concourse.runtime.linux;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.db.JpaStorage;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementRequest;
import dev.concourse.spi.scheduling.PlacementStrategy;
import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine node with the runc runtime in a JVM of its own, for {@link RuncNodeTakeoverTest}: on
 * the database at {@code args[0]} it sets the pipeline in the file {@code args[4]} as
 * {@code main/takeover}, triggers its job {@code long}, prints {@code BUILD <id>}, then
 * {@code RUN ENDED <status as stored>} once its run of the build ended, and runs until killed (or
 * until its standard input closes). Arguments: JDBC URL, the runc runtime's base
 * directory, the node name, the lease duration in milliseconds, the pipeline file, and optionally
 * {@code one-task}: then the node places one task step only, and every later one waits for a
 * worker (a build stopped after a task finished, before the next one started).
 */
public final class RuncEngineNodeMain {
    private RuncEngineNodeMain() {
    }

    public static void main(String[] args) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setMaximumPoolSize(4);
        Path base = Path.of(args[1]);
        String node = args[2];
        Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
        String pipeline = Files.readString(Path.of(args[4]));
        try (HikariDataSource pool = new HikariDataSource(config);
                JpaStorage storage = JpaStorage.builder().dataSource(pool).build();
                RuncContainerRuntime runtime = RuncContainerRuntime.builder().baseDirectory(base)
                        .garbageCollectionInterval(Duration.ZERO).build();
                PipelineEngine engine = builder(args).storage(storage).runtime(runtime).nodeName(node)
                        .leaseDuration(lease).build()) {
            engine.start();
            PipelineRef ref = PipelineRef.main("takeover");
            engine.pipelines().set(ref, pipeline, StaticVariables.empty());
            Build build = engine.jobs().trigger(ref.job("long"));
            System.out.println("BUILD " + build.id());
            System.out.flush();
            Thread.ofPlatform().daemon().name("run-ended").start(() -> {
                try {
                    // Returns when this node's run of the build ended (also when another node
                    // took the build over: then with the status stored, not this node's).
                    Build ended = engine.builds().await(build.id(), Duration.ofMinutes(10));
                    System.out.println("RUN ENDED " + ended.status());
                    System.out.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            // Until the test kills this JVM; a closed input (the test went away) ends it.
            while (System.in.read() >= 0) {
                // nothing to read but the end
            }
        }
    }

    private static PipelineEngine.Builder builder(String[] args) {
        PipelineEngine.Builder builder = PipelineEngine.builder();
        if (args.length > 5 && args[5].equals("one-task")) {
            builder.placement(new OneTask());
        }
        return builder;
    }

    /** Approves the first task placement only; later tasks wait for a worker for ever. */
    private static final class OneTask implements PlacementStrategy {
        private final AtomicInteger tasks = new AtomicInteger();

        @Override
        public String name() {
            return "one-task";
        }

        @Override
        public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
            return candidates;
        }

        @Override
        public boolean approve(Worker worker, PlacementRequest request) {
            return request.kind() != PlacementRequest.StepKind.TASK || tasks.incrementAndGet() == 1;
        }
    }
}
