package dev.concourse.event;

import java.time.Instant;

/**
 * Something that happened in a build. The types, names and versions are Concourse's, so tools
 * that read Concourse's event stream read ours; {@link SequencedEvent} adds the position in the
 * build's log.
 */
public sealed interface BuildEvent permits BuildEvent.Status, BuildEvent.Log, BuildEvent.Error,
        BuildEvent.InitializeTask, BuildEvent.StartTask, BuildEvent.FinishTask,
        BuildEvent.Initialize, BuildEvent.Start, BuildEvent.Finish,
        BuildEvent.WaitingForWorker, BuildEvent.SelectedWorker {

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
}
