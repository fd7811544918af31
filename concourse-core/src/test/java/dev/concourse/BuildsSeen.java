package dev.concourse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hears of every build an engine creates (register it before setting pipelines), so tests wait
 * for a job's build N to exist without polling.
 */
final class BuildsSeen implements BuildListener {
    private final ConcurrentMap<String, CompletableFuture<Build>> created = new ConcurrentHashMap<>();

    static BuildsSeen listen(PipelineEngine engine) {
        BuildsSeen seen = new BuildsSeen();
        engine.builds().listen(seen);
        return seen;
    }

    @Override
    public void created(Build build) {
        future(build.job(), build.name()).complete(build);
    }

    /** Whether the job's build with this name was created. */
    boolean exists(String job, String name) {
        return future(job, name).isDone();
    }

    /** Waits (up to 60 s) until the job's build with this name is created. */
    Build awaitCreated(String job, String name) throws InterruptedException {
        try {
            return future(job, name).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("build " + job + " #" + name + " was not created within 60s");
        }
    }

    /** Waits until the job's build with this name is created, then until it finished. */
    Build awaitFinished(PipelineEngine engine, String job, String name) throws InterruptedException {
        return EventCollector.awaitFinished(engine, awaitCreated(job, name));
    }

    private CompletableFuture<Build> future(String job, String name) {
        return created.computeIfAbsent(job + " #" + name, k -> new CompletableFuture<>());
    }
}
