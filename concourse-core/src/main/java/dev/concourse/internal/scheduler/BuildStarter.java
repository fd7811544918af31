package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.Job;
import dev.concourse.resource.Version;
import java.time.Instant;
import java.util.Map;

/** What the scheduler needs from the engine to create and start job builds. */
public interface BuildStarter {

    /** A pending build was just created (opens its event log). */
    void created(Build build);

    /** Starts the pending build with the job's plan; gets named in {@code inputs} fetch those versions. */
    void start(Build pending, Job job, Map<String, Version> inputs);

    /**
     * Whether a check of the resource finished at or after {@code since} (a manually triggered
     * build waits for one, as in Concourse). When not, makes sure a check runs, after which the
     * jobs using the resource are scheduled again.
     */
    boolean checkedSince(long resourceId, Instant since);
}
