package dev.concourse.internal.scheduler.algorithm;

import dev.concourse.resource.ResourceVersion;
import dev.concourse.spi.storage.VersionHistory;
import dev.concourse.spi.storage.VersionUse;
import java.util.List;
import java.util.Optional;

/** An input without {@code passed} and without a pin: the latest version, or the next for {@code every}. */
record IndividualResolver(VersionHistory history, InputConfig input) implements Resolver {

    @Override
    public List<InputConfig> inputs() {
        return List.of(input);
    }

    @Override
    public Outcome resolve() {
        if (!input.every()) {
            return history.latestVersion(input.resourceId())
                    .map(v -> Outcome.of(input.name(), Candidate.of(v.id(), false)))
                    .orElseGet(() -> Outcome.failed(Failures.LATEST_VERSION_NOT_FOUND));
        }
        return nextEveryVersion();
    }

    /**
     * The next enabled version above the newest one the job used (any input name), or, when
     * there is none above, the newest enabled one at or below it; the latest if the job never
     * used the resource (Concourse's {@code NextEveryVersion}).
     */
    private Outcome nextEveryVersion() {
        Optional<VersionUse> used = history.latestUse(input.jobId(), input.resourceId());
        if (used.isEmpty()) {
            return found(history.latestVersion(input.resourceId()), false);
        }
        long checkOrder = used.get().version().checkOrder();
        List<ResourceVersion> above = history.versionsAbove(input.resourceId(), checkOrder, 2);
        if (!above.isEmpty()) {
            return found(Optional.of(above.getFirst()), above.size() > 1);
        }
        return found(history.latestVersionAtOrBelow(input.resourceId(), checkOrder), false);
    }

    private Outcome found(Optional<ResourceVersion> version, boolean hasNext) {
        return version.map(v -> Outcome.of(input.name(), Candidate.of(v.id(), hasNext)))
                .orElseGet(() -> Outcome.failed(Failures.VERSION_NOT_FOUND));
    }
}
