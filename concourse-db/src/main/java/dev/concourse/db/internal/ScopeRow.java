package dev.concourse.db.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A version history; its versions are rows of {@code concourse_scope_version}. */
@Entity
@Table(name = "concourse_scope")
class ScopeRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    long id;

    @Column(name = "scope_key", nullable = false)
    String scopeKey;

    @Column(name = "last_check_order")
    long lastCheckOrder;

    ScopeRow() {
    }
}
