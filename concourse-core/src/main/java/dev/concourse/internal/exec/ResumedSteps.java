package dev.concourse.internal.exec;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Container;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a build resumed on another engine node takes from the run of the node that stopped, by plan
 * id, as Concourse's steps find their containers by owner and their cached results: the steps that
 * finished (their recorded outcome from the build's log: they are not run again, their kept
 * volumes are found through the runtime) and the containers of the steps that were running (a
 * task's process {@code task}, a get's or put's process {@code resource}, re-attached instead of
 * started again). Each entry is taken once, so a plan id run again (a loop) starts anew. Empty for
 * builds that were not taken over.
 */
public final class ResumedSteps {
    /** A step that finished before the takeover, as its {@code finish-*} event recorded it. */
    public sealed interface Finished permits FinishedTask, FinishedGet, FinishedPut {
    }

    /** A task's {@code finish-task}. */
    public record FinishedTask(int exitStatus) implements Finished {
    }

    /** A get's {@code finish-get}: its exit status, and the version and metadata it fetched (null on a failure). */
    public record FinishedGet(int exitStatus, Version version, List<MetadataField> metadata) implements Finished {
        public FinishedGet {
            metadata = metadata == null ? List.of() : List.copyOf(metadata);
        }
    }

    /** A put's {@code finish-put}: its exit status, and the version it created and its metadata. */
    public record FinishedPut(int exitStatus, Version version, List<MetadataField> metadata) implements Finished {
        public FinishedPut {
            metadata = metadata == null ? List.of() : List.copyOf(metadata);
        }
    }

    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final Map<String, Finished> finished = new ConcurrentHashMap<>();
    private volatile String takeover = "";

    /**
     * Sets how the takeover is described in the steps' messages, e.g. "engine node 'ci-2' took this
     * build over from engine node 'ci-1'"; call before the build runs.
     */
    public void takeover(String description) {
        this.takeover = Objects.requireNonNull(description, "description");
    }

    /** The takeover as {@link #takeover(String)} described it ("" when the build was not taken over). */
    String takeover() {
        return takeover;
    }

    /** Adds the container of the running step {@code planId}; call before the build runs. */
    public void add(String planId, Container container) {
        containers.put(Objects.requireNonNull(planId, "planId"), Objects.requireNonNull(container, "container"));
    }

    /** Adds the recorded outcome of the step {@code planId}, which finished; call before the build runs. */
    public void finished(String planId, Finished outcome) {
        finished.put(Objects.requireNonNull(planId, "planId"), Objects.requireNonNull(outcome, "outcome"));
    }

    /** The container to re-attach to for the step {@code planId}, once. */
    Optional<Container> take(String planId) {
        return Optional.ofNullable(containers.remove(planId));
    }

    /** The recorded outcome of the step {@code planId} if it finished before the takeover and is of {@code kind}, once. */
    <T extends Finished> Optional<T> takeFinished(String planId, Class<T> kind) {
        Finished outcome = finished.get(planId);
        if (kind.isInstance(outcome) && finished.remove(planId, outcome)) {
            return Optional.of(kind.cast(outcome));
        }
        return Optional.empty();
    }
}
