package dev.concourse.internal.scheduler.algorithm;

import dev.concourse.spi.storage.VersionHistory;
import java.util.List;

/** An input pinned to a version, without {@code passed}: the pinned version, disabled or not. */
record PinnedResolver(VersionHistory history, InputConfig input) implements Resolver {

    @Override
    public List<InputConfig> inputs() {
        return List.of(input);
    }

    @Override
    public Outcome resolve() {
        return history.findVersion(input.resourceId(), input.pinned())
                .map(v -> Outcome.of(input.name(), Candidate.of(v.id(), false)))
                .orElseGet(() -> Outcome.failed(Failures.pinnedVersionNotFound(input.pinned())));
    }
}
