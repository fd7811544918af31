package dev.concourse.db.internal;

/** The entity classes of the store's own persistence unit, for bootstrapping it. */
final class Entities {
    static final Class<?>[] ALL = {TeamRow.class, PipelineRow.class, JobRow.class, ResourceRow.class, BuildRow.class,
        ScopeRow.class};

    private Entities() {
    }
}
