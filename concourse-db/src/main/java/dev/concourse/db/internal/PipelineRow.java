package dev.concourse.db.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A pipeline instance; {@code config} is the config's JSON, null when archived (empty config). */
@Entity
@Table(name = "concourse_pipeline")
class PipelineRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    long id;

    @Column(name = "team_name", nullable = false)
    String team;

    @Column(nullable = false)
    String name;

    /** Sorted-key JSON of the instance vars, {@code {}} for none. */
    @Column(name = "instance_vars", nullable = false)
    String instanceVars;

    @Column(name = "instance_vars_hash", nullable = false)
    String instanceVarsHash;

    String config;

    @Column(name = "config_version", nullable = false)
    long configVersion;

    boolean paused;

    @Column(name = "is_public")
    boolean isPublic;

    boolean archived;

    @Column(name = "last_updated", nullable = false)
    Instant lastUpdated;

    PipelineRow() {
    }
}
