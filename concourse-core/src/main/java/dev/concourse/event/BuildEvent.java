package dev.concourse.event;

import dev.concourse.BuildPlan;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Something that happened in a build. The types, names and versions are Concourse's, so tools
 * that read Concourse's event stream read ours; {@link SequencedEvent} adds the position in the
 * build's log.
 */
public sealed interface BuildEvent permits BuildEvent.Status, BuildEvent.Log, BuildEvent.Error,
        BuildEvent.InitializeTask, BuildEvent.StartTask, BuildEvent.FinishTask,
        BuildEvent.Initialize, BuildEvent.Start, BuildEvent.Finish,
        BuildEvent.WaitingForWorker, BuildEvent.SelectedWorker, BuildEvent.SetPipelineChanged,
        BuildEvent.AcrossSubsteps,
        BuildEvent.InitializeGet, BuildEvent.StartGet, BuildEvent.FinishGet,
        BuildEvent.InitializePut, BuildEvent.StartPut, BuildEvent.FinishPut {

    /** Concourse's event type, such as {@code log} or {@code finish-task}. */
    String type();

    /** Concourse's version of the event's shape, such as {@code 5.1}. */
    String version();

    /** When it happened. */
    Instant time();

    /**
     * The build's status changed.
     *
     * @param time   when
     * @param status the new status
     */
    record Status(Instant time, dev.concourse.BuildStatus status) implements BuildEvent {
        public String type() {
            return "status";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * Output of a step.
     *
     * @param time    when
     * @param origin  the step and stream
     * @param payload the text written
     */
    record Log(Instant time, Origin origin, String payload) implements BuildEvent {
        public String type() {
            return "log";
        }

        public String version() {
            return "5.1";
        }
    }

    /**
     * A step (or the build) errored: something went wrong that is not the code's fault.
     *
     * @param time    when
     * @param origin  the step, or null for the build as a whole
     * @param message what went wrong and what to do
     */
    record Error(Instant time, Origin origin, String message) implements BuildEvent {
        public String type() {
            return "error";
        }

        public String version() {
            return "4.1";
        }
    }

    /**
     * A task is preparing: inputs are there, its image and container are being set up.
     *
     * @param time   when
     * @param origin the task step
     * @param config its config
     */
    record InitializeTask(Instant time, Origin origin, TaskSummary config) implements BuildEvent {
        public String type() {
            return "initialize-task";
        }

        public String version() {
            return "4.0";
        }
    }

    /**
     * A task's process started.
     *
     * @param time   when
     * @param origin the task step
     * @param config its config
     */
    record StartTask(Instant time, Origin origin, TaskSummary config) implements BuildEvent {
        public String type() {
            return "start-task";
        }

        public String version() {
            return "5.0";
        }
    }

    /**
     * A task's process exited.
     *
     * @param time       when
     * @param origin     the task step
     * @param exitStatus its exit status
     */
    record FinishTask(Instant time, Origin origin, int exitStatus) implements BuildEvent {
        public String type() {
            return "finish-task";
        }

        public String version() {
            return "4.0";
        }
    }

    /**
     * A step without events of its own (set_pipeline, load_var...) is preparing.
     *
     * @param time   when
     * @param origin the step
     */
    record Initialize(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "initialize";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * Such a step started.
     *
     * @param time   when
     * @param origin the step
     */
    record Start(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "start";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * Such a step finished.
     *
     * @param time      when
     * @param origin    the step
     * @param succeeded whether it succeeded
     */
    record Finish(Instant time, Origin origin, boolean succeeded) implements BuildEvent {
        public String type() {
            return "finish";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * A step waits for a worker that can take it.
     *
     * @param time   when
     * @param origin the step
     */
    record WaitingForWorker(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "waiting-for-worker";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * A step was placed on a worker.
     *
     * @param time   when
     * @param origin the step
     * @param worker the worker's name
     */
    record SelectedWorker(Instant time, Origin origin, String worker) implements BuildEvent {
        public String type() {
            return "selected-worker";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * A {@code set_pipeline} step found out whether the pipeline's config changes.
     *
     * @param time    when (Concourse's event has no time; this one is written as an extra key)
     * @param origin  the set_pipeline step
     * @param changed whether the config differed from the one stored (false: nothing was saved)
     */
    record SetPipelineChanged(Instant time, Origin origin, boolean changed) implements BuildEvent {
        public String type() {
            return "set-pipeline-changed";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * An {@code across} step knows its substeps: one per combination of its vars' values, in the
     * order they are started. Their plan ids ({@code <across id>/<combination>/<n>}) are the origins
     * of their events; they are not in the build's plan, which shows the substep once, as planned.
     *
     * @param time     when
     * @param origin   the across step
     * @param substeps the substeps
     */
    record AcrossSubsteps(Instant time, Origin origin, List<Substep> substeps) implements BuildEvent {
        public AcrossSubsteps {
            substeps = List.copyOf(substeps);
        }

        public String type() {
            return "across-substeps";
        }

        public String version() {
            return "1.0";
        }

        /**
         * One substep.
         *
         * @param step   its plan, with the ids its events name
         * @param values the value of each var of the across step, in the order of its vars: plain
         *               values (string, number, boolean, list, map, or null)
         */
        public record Substep(BuildPlan step, List<Object> values) {
            public Substep {
                Objects.requireNonNull(step, "step");
                values = Collections.unmodifiableList(new ArrayList<>(values));
            }
        }
    }

    /**
     * A get step is preparing: its resource's type and the version to fetch are being found.
     *
     * @param time   when
     * @param origin the get step
     */
    record InitializeGet(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "initialize-get";
        }

        public String version() {
            return "2.0";
        }
    }

    /**
     * A get step's resource started fetching.
     *
     * @param time   when
     * @param origin the get step
     */
    record StartGet(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "start-get";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * A get step's fetch ended.
     *
     * @param time       when
     * @param origin     the get step
     * @param exitStatus     0 when it fetched the version, else the exit status of the resource's script
     * @param fetchedVersion the version fetched ({@code version} in the JSON), null when it failed
     * @param metadata       what the resource reported about the version, empty when it failed
     */
    record FinishGet(Instant time, Origin origin, int exitStatus, Version fetchedVersion,
            List<MetadataField> metadata)
            implements BuildEvent {
        public FinishGet {
            metadata = metadata == null ? List.of() : List.copyOf(metadata);
        }

        public String type() {
            return "finish-get";
        }

        public String version() {
            return "5.1";
        }
    }

    /**
     * A put step is preparing: its inputs and its resource's type are being found.
     *
     * @param time   when
     * @param origin the put step
     */
    record InitializePut(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "initialize-put";
        }

        public String version() {
            return "2.0";
        }
    }

    /**
     * A put step's resource started pushing.
     *
     * @param time   when
     * @param origin the put step
     */
    record StartPut(Instant time, Origin origin) implements BuildEvent {
        public String type() {
            return "start-put";
        }

        public String version() {
            return "1.0";
        }
    }

    /**
     * A put step's push ended.
     *
     * @param time       when
     * @param origin     the put step
     * @param exitStatus     0 when it created a version, else the exit status of the resource's script
     * @param createdVersion the version created ({@code version} in the JSON), null when it failed
     * @param metadata       what the resource reported about the version, empty when it failed
     */
    record FinishPut(Instant time, Origin origin, int exitStatus, Version createdVersion,
            List<MetadataField> metadata)
            implements BuildEvent {
        public FinishPut {
            metadata = metadata == null ? List.of() : List.copyOf(metadata);
        }

        public String type() {
            return "finish-put";
        }

        public String version() {
            return "5.1";
        }
    }
}
