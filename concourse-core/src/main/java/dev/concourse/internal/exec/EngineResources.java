package dev.concourse.internal.exec;

import dev.concourse.internal.check.ResourceChecker;
import dev.concourse.internal.check.ResourceTypeImages;
import dev.concourse.internal.resourcetype.Resources;
import dev.concourse.internal.scheduler.ScheduleRequests;
import dev.concourse.spi.storage.Storage;
import java.util.Objects;

/**
 * What {@code get} and {@code put} steps need from the engine, shared by all its builds: the
 * store (pipelines, versions, build inputs and outputs), checks (a get with no version to fetch
 * checks first), resource types and the facade that runs them.
 *
 * @param storage   the engine's storage
 * @param checker   checks resources
 * @param types     gets resource types ready, images kept for the engine's life
 * @param resources runs check, get and put of a resolved type
 * @param scheduling told of versions a put saved, so the jobs using the resource are scheduled at
 *                  once (Concourse's {@code SaveOutput})
 */
public record EngineResources(Storage storage, ResourceChecker checker, ResourceTypeImages types,
        Resources resources, ScheduleRequests scheduling) {

    public EngineResources {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(checker, "checker");
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(scheduling, "scheduling");
    }
}
