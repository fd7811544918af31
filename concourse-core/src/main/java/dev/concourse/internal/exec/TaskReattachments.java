package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.Container;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task containers a resumed build re-attaches to, by plan id: a node that took the build over
 * from a stopped node replays its plan, and a task step whose container is here attaches to the
 * process it already runs ({@code task}) instead of starting it again, as Concourse's
 * {@code attachOrRun}. Each container is taken once, so a plan id run again (a retry, a loop) starts
 * its own process. Empty for builds that were not taken over.
 */
public final class TaskReattachments {
    private final Map<String, Container> containers = new ConcurrentHashMap<>();

    /** Adds the container of the task step {@code planId}; call before the build runs. */
    public void add(String planId, Container container) {
        containers.put(Objects.requireNonNull(planId, "planId"), Objects.requireNonNull(container, "container"));
    }

    /** The container to re-attach to for the task step {@code planId}, once. */
    Optional<Container> take(String planId) {
        return Optional.ofNullable(containers.remove(planId));
    }
}
