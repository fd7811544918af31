package dev.concourse.internal.scheduler;

import java.util.Objects;

/**
 * Schedule requests for parts built before the scheduler (the engine wires those first): they go
 * nowhere until {@link #bind} names the scheduler. Thread-safe.
 */
public final class DeferredScheduleRequests implements ScheduleRequests {
    private volatile ScheduleRequests target = NONE;

    /** From now on, requests go to {@code requests}. */
    public void bind(ScheduleRequests requests) {
        this.target = Objects.requireNonNull(requests, "requests");
    }

    @Override
    public void job(long jobId) {
        target.job(jobId);
    }

    @Override
    public void jobNow(long jobId) {
        target.jobNow(jobId);
    }

    @Override
    public void pipeline(long pipelineId) {
        target.pipeline(pipelineId);
    }

    @Override
    public void resource(long resourceId) {
        target.resource(resourceId);
    }
}
