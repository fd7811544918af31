package dev.concourse;

import dev.concourse.resource.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Why a job's next build is not running, as Concourse's build preparation shows it ("why is my
 * build pending?"): paused pipeline or job, max-in-flight reached and by which builds, and per
 * input whether it is satisfied and, if not, why (the resolver's errors, such as
 * {@code no satisfiable builds from passed jobs found for set of inputs}, or a check still to
 * come). Also says why a job without a pending build is idle. A snapshot: it may be outdated as
 * soon as it is returned.
 *
 * @param job              the job
 * @param pendingBuild     the job's oldest pending build (the next to start), or null when it has none
 * @param runningBuilds    the job's started builds, oldest first
 * @param pipelinePaused   whether its pipeline is paused (blocks)
 * @param pipelineArchived whether its pipeline is archived (nothing runs)
 * @param jobPaused        whether the job is paused (blocks)
 * @param maxInFlight      the job's effective max in flight ({@code serial: true} and
 *                         {@code serial_groups} are 1), 0 for no limit
 * @param maxInFlightHolders the builds that hold the pending build back: the started builds of the
 *                         job (or of its serial groups) when they reach the limit, or in serial groups
 *                         an older pending build that goes first; empty when max in flight does not block
 * @param inputs           the job's inputs (its get steps) in plan order
 */
public record JobPreparation(JobRef job, Build pendingBuild, List<Build> runningBuilds, boolean pipelinePaused,
        boolean pipelineArchived, boolean jobPaused, int maxInFlight, List<Build> maxInFlightHolders,
        List<Input> inputs) {

    public JobPreparation {
        Objects.requireNonNull(job, "job");
        runningBuilds = List.copyOf(runningBuilds);
        maxInFlightHolders = List.copyOf(maxInFlightHolders);
        inputs = List.copyOf(inputs);
    }

    /** How an input stands. */
    public enum InputStatus {
        /** It has a version for the next build. */
        SATISFIED,
        /** No version satisfies it; {@link Input#reason()} says why. */
        UNSATISFIED,
        /** A check of its resource must finish first (never checked, or a manual trigger waits for one). */
        WAITING_FOR_CHECK
    }

    /**
     * One input of the job.
     *
     * @param name     the input's name (the get step's name)
     * @param resource the resource's name
     * @param trigger  {@code trigger: true}
     * @param status   satisfied or why not
     * @param version  the version the next build would get, or null when not satisfied
     * @param newVersion whether the job never had {@code version} for this input (a trigger input
     *                 with a new version creates a build)
     * @param reason   why it is not satisfied, null when satisfied: the resolver's error
     *                 ({@code latest version of resource not found},
     *                 {@code pinned version ref:v1 not found},
     *                 {@code no satisfiable builds from passed jobs found for set of inputs}...),
     *                 completed with what the resource's checks say
     */
    public record Input(String name, String resource, boolean trigger, InputStatus status, Version version,
            boolean newVersion, String reason) {

        public Input {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
        }

        public boolean satisfied() {
            return status == InputStatus.SATISFIED;
        }
    }

    /** Whether every input has a version. */
    public boolean inputsSatisfied() {
        return inputs.stream().allMatch(Input::satisfied);
    }

    /** Whether max in flight keeps the pending build from starting. */
    public boolean maxInFlightReached() {
        return !maxInFlightHolders.isEmpty();
    }

    /**
     * What the job waits for, one line each, empty when nothing blocks it (its pending build is
     * about to start, say). Without a pending build: why none is created.
     */
    public List<String> reasons() {
        List<String> reasons = new ArrayList<>();
        if (pipelineArchived) {
            reasons.add("pipeline '" + job.pipeline() + "' is archived");
            return reasons;
        }
        if (pipelinePaused) {
            reasons.add("pipeline '" + job.pipeline() + "' is paused");
        }
        if (jobPaused) {
            reasons.add("job '" + job.name() + "' is paused");
        }
        if (maxInFlightReached()) {
            reasons.add("max in flight (" + maxInFlight + ") reached by " + maxInFlightHolders.stream()
                    .map(b -> b.job() + " #" + b.name() + " (" + b.status().wireName() + ")")
                    .collect(Collectors.joining(", ")));
        }
        for (Input input : inputs) {
            if (!input.satisfied()) {
                reasons.add("input '" + input.name() + "'" + (input.name().equals(input.resource()) ? ""
                        : " (resource '" + input.resource() + "')") + ": " + input.reason());
            }
        }
        if (pendingBuild == null && reasons.isEmpty() && runningBuilds.isEmpty()) {
            List<String> triggers = inputs.stream().filter(Input::trigger).map(Input::name).toList();
            if (triggers.isEmpty()) {
                reasons.add("no input has trigger: true; it runs only when triggered");
            } else if (inputs.stream().noneMatch(i -> i.trigger() && i.newVersion())) {
                reasons.add("waiting for a new version of " + triggers.stream().map(t -> "'" + t + "'")
                        .collect(Collectors.joining(" or ")) + " (its builds used the current ones)");
            }
        }
        return reasons;
    }
}
