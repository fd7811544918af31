package dev.concourse.samples.runner;

import dev.concourse.PipelineEngine;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.runtime.linux.RuncContainerRuntime;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Volume;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/**
 * An engine for one command: in-memory storage (the default) or a database ({@code --database}),
 * and a runtime ({@code local} processes, or {@code runc} containers) whose containers and volumes
 * live in a new temporary directory, deleted on {@link #close()}. Without a database nothing survives the command; with one, pipelines, versions
 * and builds do, and the next command continues from them.
 *
 * <p>Clean-up problems are reported on the command's stderr rather than thrown: by then the build
 * is over, and its result, not a leftover directory, decides the exit code.
 */
final class LocalEngine implements AutoCloseable {
    /** How long an aborted task gets between SIGTERM and SIGKILL. */
    static final Duration ABORT_GRACE_PERIOD = Duration.ofSeconds(10);

    private final Path workDirectory;
    private final ContainerRuntime runtime;
    private final PipelineEngine engine;
    private final StateDatabase database;
    private final PrintWriter err;

    /** Where steps run: {@code --runtime local|runc}. */
    enum RuntimeKind {
        /** Processes of this machine, no isolation ({@link LocalProcessRuntime}). */
        local,
        /** Linux containers through runc ({@link RuncContainerRuntime}): needs root, runc and tini. */
        runc
    }

    private LocalEngine(Path workDirectory, ContainerRuntime runtime, PipelineEngine engine,
            StateDatabase database, PrintWriter err) {
        this.workDirectory = workDirectory;
        this.runtime = runtime;
        this.engine = engine;
        this.database = database;
        this.err = err;
    }

    /**
     * Creates the temporary directory (in {@code java.io.tmpdir}), the runtime and the engine, and
     * starts the engine.
     */
    static LocalEngine start(PrintWriter err) {
        return start(Path.of(System.getProperty("java.io.tmpdir")), null, RuntimeKind.local, err);
    }

    /**
     * Like {@link #start(PrintWriter)}, keeping the engine's state in the database at
     * {@code databaseUrl} (a JDBC URL of H2 or PostgreSQL), or in memory when it is null.
     */
    static LocalEngine start(String databaseUrl, PrintWriter err) {
        return start(Path.of(System.getProperty("java.io.tmpdir")), databaseUrl, RuntimeKind.local, err);
    }

    /** Like {@link #start(String, PrintWriter)}, with steps running where {@code kind} says. */
    static LocalEngine start(String databaseUrl, RuntimeKind kind, PrintWriter err) {
        return start(Path.of(System.getProperty("java.io.tmpdir")), databaseUrl, kind, err);
    }

    /** Like {@link #start(String, PrintWriter)}, with the temporary directory in {@code parent}. */
    static LocalEngine start(Path parent, PrintWriter err) {
        return start(parent, null, RuntimeKind.local, err);
    }

    private static LocalEngine start(Path parent, String databaseUrl, RuntimeKind kind, PrintWriter err) {
        // The database first: a URL that does not work leaves no temporary directory behind.
        StateDatabase database = databaseUrl == null ? null : StateDatabase.open(databaseUrl);
        Path dir;
        try {
            dir = Files.createTempDirectory(parent, "concourse-runner-");
        } catch (IOException e) {
            if (database != null) {
                database.close();
            }
            throw new UncheckedIOException("cannot create a temporary directory for the build's files in " + parent
                    + ": " + e.getMessage() + "; point java.io.tmpdir at a writable directory", e);
        }
        ContainerRuntime runtime = switch (kind) {
            case local -> LocalProcessRuntime.builder().baseDirectory(dir).build();
            case runc -> RuncContainerRuntime.builder().baseDirectory(dir).build();
        };
        PipelineEngine.Builder builder = PipelineEngine.builder()
                .runtime(runtime)
                .abortGracePeriod(ABORT_GRACE_PERIOD);
        if (database != null) {
            builder.storage(database.storage());
        }
        PipelineEngine engine = builder.build();
        engine.start();
        return new LocalEngine(dir, runtime, engine, database, err);
    }

    /** Where the runtime keeps containers and volumes. */
    Path workDirectory() {
        return workDirectory;
    }

    PipelineEngine engine() {
        return engine;
    }

    /**
     * Stops the engine (aborting what still runs), kills leftover processes, deletes the
     * directory; each step runs even if an earlier one failed, and failures go to stderr.
     */
    @Override
    public void close() {
        // the engine closes only a runtime it created itself, so this one is closed here
        closeStep("stop the engine", engine::close);
        // containers first: a runc container's root file system is a mount
        closeStep("destroy the containers", () -> runtime.workers().forEach(w -> w.containers().forEach(
                Container::destroy)));
        closeStep("destroy the volumes", () -> runtime.workers().forEach(w -> w.volumes().forEach(Volume::destroy)));
        closeStep("stop the " + runtime.id() + " runtime", runtime::close);
        if (database != null) {
            closeStep("close the state database", database::close);
        }
        closeStep("delete " + workDirectory + " (delete it by hand)", () -> delete(workDirectory));
        err.flush();
    }

    private void closeStep(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            err.println("concourse-runner: warning: could not " + what + ": " + e.getMessage());
        }
    }

    /** Deletes a tree without following links (containers link to volumes), read-only parts too. */
    private static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    // a task may leave a directory without write permission; its entries must go too
                    dir.toFile().setWritable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
