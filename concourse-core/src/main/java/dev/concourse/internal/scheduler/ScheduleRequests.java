package dev.concourse.internal.scheduler;

/**
 * Asks the scheduler to run a scheduling pass for jobs (Concourse's {@code RequestSchedule}).
 * Requests are cheap and coalesce; a pass runs soon after on the scheduler's thread.
 */
public interface ScheduleRequests {

    /** Requests nothing: for engines or tests without a scheduler. */
    ScheduleRequests NONE = new ScheduleRequests() {
        @Override
        public void job(long jobId) {
        }

        @Override
        public void jobNow(long jobId) {
        }

        @Override
        public void pipeline(long pipelineId) {
        }

        @Override
        public void resource(long resourceId) {
        }
    };

    /** Schedules the job soon. */
    void job(long jobId);

    /** Runs the job's pass in the calling thread (a manual trigger), one pass at a time as always. */
    void jobNow(long jobId);

    /** Schedules every job of the pipeline soon. */
    void pipeline(long pipelineId);

    /** Schedules the jobs of the resource's pipeline whose inputs use it (new versions, pins). */
    void resource(long resourceId);
}
