package dev.concourse.db.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A job, whether in its pipeline's current config ({@code active}, at {@code position}) or hidden. */
@Entity
@Table(name = "concourse_job")
class JobRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    long id;

    @Column(name = "pipeline_id", nullable = false)
    long pipelineId;

    @Column(nullable = false)
    String name;

    boolean paused;

    boolean active;

    @Column(name = "pos")
    int pos;

    @Column(name = "last_build_number")
    long lastBuildNumber;

    JobRow() {
    }
}
