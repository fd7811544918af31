package dev.concourse.spi.storage;

import dev.concourse.Resource;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Resource versions, and what the engine records per resource: which versions are disabled, pins
 * and how the last check went. The scheduler reads all this through {@link VersionHistory}.
 *
 * <p><b>Scopes.</b> A scope is one version history. The engine names each scope with a key it
 * chooses and the store gives the scope an id ({@link #assignScope}). Every resource and resource
 * type reads its versions from the scope it was assigned ({@link Resource#scopeId()}). Several may
 * share one: Concourse shares a history between resources of a team with the same type and source
 * when that is safe, and the engine can do the same by giving them the same key. A scope lives as
 * long as a resource or resource type (active or hidden) refers to it; when the last one stops
 * referring to it (assigned another scope, its type or source changed by
 * {@link PipelineStore#save}, its pipeline deleted) the store drops the scope with its versions.
 *
 * <p><b>Version ids.</b> A version's id stands for its fields, like Concourse's version digests:
 * the same fields get the same id in every scope, for the store's life. Disabled versions, pins,
 * build inputs and outputs refer to versions by id, so they still match when a resource moves to
 * a new scope that has the same versions (after its source changed, say).
 *
 * <p><b>Check order.</b> Each version of a scope has a check order, unique in the scope: the
 * higher, the newer. {@link #saveVersions} and {@link #saveVersion} raise the scope's highest
 * check order by one for each version they place on top; check orders are therefore increasing
 * but not consecutive.
 *
 * <p>Resources and resource types share one id sequence, so methods that take a resource id also
 * take a resource type's where they say so.
 */
public interface ResourceVersionStore {

    /**
     * Finds the scope with this key, creating it (empty) if there is none, and makes it the scope
     * of the resource or resource type. The scope it had before is dropped if nothing refers to
     * it any more.
     *
     * @param resourceId a resource's or resource type's id, hidden ones too
     * @param scopeKey   the engine's name for the version history, such as
     *                   {@code resource:42:sha256-of-source}
     * @return the scope's id
     * @throws IllegalArgumentException if there is no resource or resource type with this id
     */
    long assignScope(long resourceId, String scopeKey);

    /** The id of the scope with this key, if there is one. */
    OptionalLong findScope(String scopeKey);

    /**
     * Saves what a check found, as Concourse's {@code SaveVersions} does. Versions not yet in the
     * scope are added. If at least one was new, every version of the list, new or not, is then
     * placed on top in list order, each getting the scope's highest check order plus one: the
     * last of the list becomes the newest, and versions a check reports again move above older
     * ones it no longer reports. If none was new, nothing changes, not even the order. A version
     * listed twice ends where its last mention puts it.
     *
     * @param oldestFirst the versions as the check reported them, oldest first
     * @param now         saved as {@link ResourceVersion#firstSeen()} of new versions
     * @return the versions that were new, in list order, as saved (an empty list means nothing
     *         changed)
     * @throws IllegalArgumentException if there is no such scope, or a version has no fields
     */
    List<ResourceVersion> saveVersions(long scopeId, List<Version> oldestFirst, Instant now);

    /**
     * Saves a version a put step produced, as Concourse's {@code SaveOutput} does: a new version
     * goes on top (the highest check order plus one); an existing one keeps its check order.
     * Non-empty {@code metadata} replaces the version's metadata; empty metadata keeps it.
     *
     * @return the version as saved
     * @throws IllegalArgumentException if there is no such scope or the version has no fields
     */
    ResourceVersion saveVersion(long scopeId, Version version, List<MetadataField> metadata, Instant now);

    /**
     * Replaces the metadata of a version of the scope (what a get step reported); does not add
     * versions.
     *
     * @return the updated version, empty if the scope does not have it (or does not exist)
     */
    Optional<ResourceVersion> updateMetadata(long scopeId, Version version, List<MetadataField> metadata);

    /** The scope's version with the highest check order, disabled or not; empty if it has none. */
    Optional<ResourceVersion> latest(long scopeId);

    /**
     * A page of the scope's versions, newest (highest check order) first: those with a check
     * order below {@code olderThan}, at most {@code limit}. Start with {@link Long#MAX_VALUE}, then
     * pass the last check order of the previous page.
     */
    List<ResourceVersion> versions(long scopeId, long olderThan, int limit);

    /**
     * The page before (newer than) a page of {@link #versions}: the {@code limit} versions with
     * the lowest check orders above {@code newerThan}, returned newest first.
     */
    List<ResourceVersion> versionsNewerThan(long scopeId, long newerThan, int limit);

    /** The scope's version with exactly these fields. */
    Optional<ResourceVersion> find(long scopeId, Version version);

    /** The scope's version with this id. */
    Optional<ResourceVersion> find(long scopeId, long versionId);

    /**
     * The fields of the version with this id, whichever scope saved it, also after that scope was
     * dropped.
     */
    Optional<Version> version(long versionId);

    /**
     * Disables a version for a resource: the scheduler no longer picks it for the resource's
     * inputs. Other resources of the same scope are not affected.
     *
     * @return true if it was enabled
     * @throws IllegalArgumentException if there is no such resource (active or hidden) or no
     *                                  version with this id
     */
    boolean disable(long resourceId, long versionId);

    /**
     * Enables a disabled version again.
     *
     * @return true if it was disabled
     * @throws IllegalArgumentException if there is no such resource or no version with this id
     */
    boolean enable(long resourceId, long versionId);

    /** The ids of the versions disabled for the resource. */
    Set<Long> disabledVersions(long resourceId);

    /**
     * Pins a resource to a version of its scope through the API, with a comment, replacing an
     * earlier API pin.
     *
     * @return the pinned resource, empty if there is no such resource in its pipeline's config
     * @throws IllegalArgumentException if the version is not in the resource's scope
     * @throws IllegalStateException    if the resource is pinned in its config: only setting the
     *                                  pipeline changes that pin
     */
    Optional<Resource> pin(long resourceId, long versionId, String comment);

    /**
     * Removes an API pin.
     *
     * @return the resource, empty if there is no such resource in its pipeline's config; a
     *         resource that was not pinned is returned unchanged
     * @throws IllegalStateException if the resource is pinned in its config
     */
    Optional<Resource> unpin(long resourceId);

    /**
     * Sets the comment of a resource's pin, API or config pin. Setting the pipeline keeps the
     * comment of a config pin as long as the pinned version stays the same.
     *
     * @return the resource, empty if there is no such resource in its pipeline's config or it is
     *         not pinned
     */
    Optional<Resource> setPinComment(long resourceId, String comment);

    /**
     * Records how a check of a resource or resource type ended: {@code finished} becomes its last
     * check time, {@code error} its check error.
     *
     * @param error why it failed, or null if it succeeded
     * @throws IllegalArgumentException if there is no resource or resource type with this id
     */
    void recordCheck(long resourceId, Instant finished, String error);
}
