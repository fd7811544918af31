package dev.concourse.internal.exec;

import dev.concourse.Pipeline;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.Storage;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the {@code get} and {@code put} steps of one build run share: the build's pipeline as it
 * was when the first of them ran, the input versions resolved for the build (by the scheduler, when
 * there is one), the versions puts created (Concourse's {@code RunState.StoreResult}, which the
 * implicit get after a put reads), and a lock for recording the build's inputs. Thread-safe.
 */
final class ResourceRun {
    private volatile Map<String, Version> resolvedInputs = Map.of();
    private final ConcurrentHashMap<String, Version> results = new ConcurrentHashMap<>();
    private final Object inputsLock = new Object();
    private Pipeline pipeline;

    /** Sets the version of each input resolved for the build, by get step name, before the run starts. */
    void useInputs(Map<String, Version> inputs) {
        this.resolvedInputs = Map.copyOf(inputs);
    }

    /** The version resolved for the get step {@code name}, if the build was given one. */
    Optional<Version> resolvedInput(String name) {
        return Optional.ofNullable(resolvedInputs.get(name));
    }

    /** Whether the build was given its inputs (by the scheduler), which it then also recorded. */
    boolean hasResolvedInputs() {
        return !resolvedInputs.isEmpty();
    }

    /**
     * The build's pipeline, read once per run so that its steps see one config; empty for a
     * one-off build or when the pipeline no longer exists.
     */
    synchronized Optional<Pipeline> pipeline(Storage storage, long buildId) {
        if (pipeline == null) {
            pipeline = storage.builds().find(buildId)
                    .filter(build -> build.pipeline() != null)
                    .flatMap(build -> storage.pipelines().find(build.pipeline()))
                    .orElse(null);
        }
        return Optional.ofNullable(pipeline);
    }

    /** Records the version a put step created. */
    void storeResult(String planId, Version version) {
        results.put(planId, version);
    }

    /** The version the put step {@code planId} created, if it succeeded. */
    Optional<Version> result(String planId) {
        return Optional.ofNullable(results.get(planId));
    }

    /** Held while reading and rewriting the build's recorded inputs. */
    Object inputsLock() {
        return inputsLock;
    }
}
