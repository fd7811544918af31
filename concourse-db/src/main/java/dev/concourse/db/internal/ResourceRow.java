package dev.concourse.db.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A resource ({@code kind} 'R') or resource type ('T'): they share one id sequence so that a scope
 * or a check can belong to either.
 */
@Entity
@Table(name = "concourse_resource")
class ResourceRow {
    static final String RESOURCE = "R";
    static final String TYPE = "T";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    long id;

    @Column(name = "pipeline_id", nullable = false)
    long pipelineId;

    @Column(nullable = false)
    String kind;

    @Column(nullable = false)
    String name;

    boolean active;

    @Column(name = "pos")
    int pos;

    /** The config's type and sorted-key JSON source: a change of either drops the scope. */
    @Column(name = "type_name")
    String type;

    @Column(name = "source_json")
    String source;

    @Column(name = "scope_id")
    long scopeId;

    /** Sorted-key JSON of the pinned version's fields, null when not pinned. */
    @Column(name = "pin_version")
    String pinVersion;

    @Column(name = "pin_in_config")
    boolean pinInConfig;

    @Column(name = "pin_comment")
    String pinComment;

    @Column(name = "last_checked")
    Instant lastChecked;

    @Column(name = "check_error")
    String checkError;

    ResourceRow() {
    }
}
