package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.scheduling.PlacementStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What the executor needs from the engine, shared by all builds of an engine.
 *
 * @param runtime           where steps run
 * @param placement         the placement chain ({@code --container-placement-strategy}); empty for
 *                          the default, volume-locality
 * @param clock             time and timers (timeouts, the abort grace period, waiting for workers)
 * @param executor          runs the branches of {@code in_parallel}; must not cap its threads (a branch
 *                          that is itself an {@code in_parallel} blocks one while its own branches
 *                          run): the engine gives one virtual thread per task
 * @param abortGracePeriod  how long an aborted or timed-out process has between TERMINATE and KILL
 * @param externalUrl       the engine's URL, given to tasks as {@code ATC_EXTERNAL_URL}, or null
 * @param pipelines         where {@code set_pipeline} steps save pipelines
 * @param resources         what {@code get} and {@code put} steps use (storage, checks, resource
 *                          types), or null for an executor without an engine, whose gets and puts error
 */
public record ExecEnvironment(ContainerRuntime runtime, List<PlacementStrategy> placement, EngineClock clock,
        Executor executor, Duration abortGracePeriod, String externalUrl, PipelineSetter pipelines,
        EngineResources resources) {

    public ExecEnvironment {
        Objects.requireNonNull(runtime, "runtime");
        placement = List.copyOf(placement);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(abortGracePeriod, "abortGracePeriod");
        if (abortGracePeriod.isNegative()) {
            throw new IllegalArgumentException("abortGracePeriod must not be negative: " + abortGracePeriod);
        }
        Objects.requireNonNull(pipelines, "pipelines");
    }

    /** An environment without resources: its get and put steps error. */
    public ExecEnvironment(ContainerRuntime runtime, List<PlacementStrategy> placement, EngineClock clock,
            Executor executor, Duration abortGracePeriod, String externalUrl, PipelineSetter pipelines) {
        this(runtime, placement, clock, executor, abortGracePeriod, externalUrl, pipelines, null);
    }

    /** An environment whose {@code set_pipeline} steps error: {@link PipelineSetter#UNAVAILABLE}. */
    public ExecEnvironment(ContainerRuntime runtime, List<PlacementStrategy> placement, EngineClock clock,
            Executor executor, Duration abortGracePeriod, String externalUrl) {
        this(runtime, placement, clock, executor, abortGracePeriod, externalUrl, PipelineSetter.UNAVAILABLE);
    }
}
