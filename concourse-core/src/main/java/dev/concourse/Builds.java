package dev.concourse;

import dev.concourse.event.SequencedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;

/** Builds: look-up, abort, plans, events, and one-off builds. Thread-safe. */
public interface Builds {

    Optional<Build> get(long id);

    /** The newest builds, at most {@code limit}. */
    List<Build> list(int limit);

    /**
     * Aborts a build: a pending build ends aborted at once; a running one has its processes sent
     * SIGTERM (then SIGKILL after the engine's grace period), its {@code on_abort} hooks run, and
     * it ends aborted. Does nothing to a finished build.
     *
     * @throws NotFoundException if there is no such build
     */
    void abort(long id);

    /** The plan a started build runs: its steps with the ids that events' origins name. */
    Optional<BuildPlan> plan(long id);

    /**
     * The build's events from {@code fromSequence} (1 for all), then live ones as they happen,
     * completing after the build's final status event. Each subscriber gets every event exactly
     * once, in order, at its own pace (backpressure through {@link Flow.Subscription#request});
     * a slow subscriber slows neither the build nor other subscribers. To resume after a
     * disconnect, subscribe again from the last sequence seen plus one.
     *
     * <p>A build running on another engine node that shares this engine's storage is followed
     * live too, if the storage notifies appends across nodes ({@code JpaStorage} on PostgreSQL
     * does): its events arrive as the other node commits them. With a storage that serves one
     * engine, such a build's stored events are delivered and then the publisher completes.
     *
     * @throws NotFoundException if there is no such build
     */
    Flow.Publisher<SequencedEvent> events(long id, long fromSequence);

    /**
     * Waits until the build has finished or the timeout passes.
     *
     * @return the build, finished unless the timeout passed
     * @throws NotFoundException if there is no such build, or it was deleted (with its pipeline or
     *                           team) while waiting
     */
    Build await(long id, Duration timeout) throws InterruptedException;

    /**
     * Tells the listener of every build created or finished from now on, until the registration
     * is closed. To follow every build of a pipeline, listen before setting it.
     */
    BuildListener.Registration listen(BuildListener listener);

    /**
     * Runs a task config with inputs from this machine's directories, like {@code fly execute}.
     * Returns the created build at once; outputs are copied to their directories when the task
     * succeeded (see {@link OneOffBuild}).
     */
    Build execute(OneOffBuild request);
}
