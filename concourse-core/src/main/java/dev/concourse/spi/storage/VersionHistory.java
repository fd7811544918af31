package dev.concourse.spi.storage;

import dev.concourse.resource.ResourceVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The read view the scheduler resolves job inputs over: resource versions with their check
 * order, disabled versions, which versions jobs used, successful builds with their outputs, and
 * build pipes. It mirrors what Concourse's input resolution reads ({@code VersionsDB}); the
 * algorithm itself lives in the engine, and stores only answer these queries. Every method is a
 * read and atomic on its own; call them inside {@link Storage#inTransaction} to read several at
 * one point in time.
 *
 * <p>Versions of a resource are those of its current scope ({@link dev.concourse.Resource#scopeId()});
 * a resource without a scope (or no such resource) has none. Versions are compared by id, which
 * stands for their fields (see {@link ResourceVersion#id()}). "Enabled" means not disabled for
 * that resource ({@link ResourceVersionStore#disable}).
 *
 * <p>Successful builds are the job's builds that finished {@code succeeded}, reruns included.
 * Their order is {@link BuildCursor#NEWEST_FIRST}. Their <em>outputs</em> are recorded when they
 * succeed: the union of their outputs and inputs (Concourse's {@code successful_build_outputs}).
 * A {@code containing} argument restricts builds to those whose outputs include, for each
 * resource id key, every version id of its set; an empty map restricts nothing.
 */
public interface VersionHistory {

    // Versions of a resource

    /** The version of the resource's scope with this id, disabled or not ("does it still exist"). */
    Optional<ResourceVersion> version(long resourceId, long versionId);

    /** The enabled version with the highest check order: the resource's latest version. */
    default Optional<ResourceVersion> latestVersion(long resourceId) {
        return latestVersionAtOrBelow(resourceId, Long.MAX_VALUE);
    }

    /** The enabled version with the highest check order not above {@code checkOrder}. */
    Optional<ResourceVersion> latestVersionAtOrBelow(long resourceId, long checkOrder);

    /**
     * The enabled versions with a check order above {@code checkOrder}, lowest first, at most
     * {@code limit} (the next versions for {@code version: every}).
     */
    List<ResourceVersion> versionsAbove(long resourceId, long checkOrder, int limit);

    /**
     * The version whose fields include all of {@code fields} (a pin, which may name only some
     * fields), disabled or not; when several do, the one with the highest check order.
     */
    Optional<ResourceVersion> findVersion(long resourceId, Map<String, String> fields);

    /** Whether the version is disabled for the resource. */
    boolean isDisabled(long resourceId, long versionId);

    // How jobs used versions

    /**
     * Whether no build of the job, whatever its status, has had this version of this resource as
     * this input. Builds record their inputs with {@link BuildStore#saveInputs}.
     */
    boolean isFirstOccurrence(long jobId, String inputName, long resourceId, long versionId);

    /**
     * Of the versions of the resource's scope that builds of the job (any status, any input name)
     * had as inputs, the one with the highest check order, disabled or not, with the newest build
     * that had it. Empty if the job used none of them.
     */
    Optional<VersionUse> latestUse(long jobId, long resourceId);

    // Successful builds

    /**
     * A page of the job's successful builds, newest first, restricted by {@code containing}: those
     * after {@code olderThan} in newest-first order (exclusive), at most {@code limit}. Pass null
     * for the first page, then the last build of the previous page.
     */
    List<BuildCursor> successfulBuilds(long jobId, Map<Long, Set<Long>> containing, BuildCursor olderThan,
            int limit);

    /**
     * Like {@link #successfulBuilds}, but the page starts at {@code from} itself (when it is one of
     * them) instead of after it.
     */
    List<BuildCursor> successfulBuildsFrom(long jobId, Map<Long, Set<Long>> containing, BuildCursor from,
            int limit);

    /**
     * All the job's successful builds before {@code newerThan} in newest-first order (newer than
     * it, exclusive), restricted by {@code containing}, returned <em>oldest first</em>.
     */
    List<BuildCursor> successfulBuildsNewerThan(long jobId, Map<Long, Set<Long>> containing,
            BuildCursor newerThan);

    /**
     * The outputs of a successful job build: its outputs and inputs, each version once, by
     * resource id ascending, and for one resource its outputs in the order saved, then its inputs
     * in the order saved. Empty for a build that did not succeed or does not exist.
     */
    List<ResourceVersionId> successfulOutputs(long buildId);

    // Build pipes

    /**
     * The upstream builds that passed versions on to this build ({@code passed:}), as recorded by
     * {@link BuildStore#saveInputs}, by id ascending.
     */
    List<BuildCursor> pipesTo(long buildId);

    /** The downstream builds this build passed versions on to, by id ascending. */
    List<BuildCursor> pipesFrom(long buildId);
}
