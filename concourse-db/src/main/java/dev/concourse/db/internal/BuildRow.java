package dev.concourse.db.internal;

import dev.concourse.BuildStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A build; {@code pipelineId} and {@code jobId} are 0 for one-off builds. */
@Entity
@Table(name = "concourse_build")
class BuildRow {
    /** From {@code concourse_build_seq} before the insert, so that a one-off build can be named by it. */
    @Id
    long id;

    @Column(name = "team_name", nullable = false)
    String team;

    @Column(name = "pipeline_id")
    long pipelineId;

    @Column(name = "job_id")
    long jobId;

    /** Set before the insert is flushed: a one-off build is named by its id. */
    String name;

    /** The status' wire name. */
    @Column(nullable = false)
    String status;

    @Column(name = "create_time", nullable = false)
    Instant createTime;

    @Column(name = "start_time")
    Instant startTime;

    @Column(name = "end_time")
    Instant endTime;

    @Column(name = "manually_triggered")
    boolean manuallyTriggered;

    @Column(name = "rerun_of")
    long rerunOf;

    @Column(name = "last_rerun")
    long lastRerun;

    /** {@code COALESCE(rerun_of, id)}, for the newest-first order; set after the insert. */
    @Column(name = "order_key")
    long orderKey;

    String plan;

    BuildRow() {
    }

    BuildStatus buildStatus() {
        return BuildStatus.fromWireName(status);
    }
}
