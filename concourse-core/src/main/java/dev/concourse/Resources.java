package dev.concourse;

import dev.concourse.resource.CheckResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import java.util.List;
import java.util.Optional;

/**
 * The resources of the engine's pipelines: checking them now, their versions, pins and disabled
 * versions. Thread-safe.
 *
 * <p>A check runs the resource type's {@code check} on the calling thread, as
 * {@code fly check-resource} does, and blocks until it ends (at most the resource's
 * {@code check_timeout}, one hour by default). Its {@code source} may hold {@code ((vars))}: they
 * are resolved from the engine's credential managers and the pipeline's {@code var_sources}. A
 * custom type ({@code resource_types}) has its image fetched first, and kept for the engine's life.
 * Versions are saved to the resource's history in the order the check reported them; the last is
 * the newest. A failed check saves nothing and is recorded on the resource
 * ({@link Resource#checkError()}).
 *
 * <p>Versions are named by their fields ({@link Version}): the one pinned, disabled or enabled
 * must be in the resource's history (a check or a put saved it).
 */
public interface Resources {

    /**
     * Checks the resource now, from its newest saved version (none on its first check).
     *
     * @return what the check found and saved, or why it failed; a failure is not thrown
     * @throws NotFoundException  if there is no such pipeline or resource
     * @throws ConcourseException if the engine closed while the check ran
     */
    CheckResult check(ResourceRef resource);

    /**
     * Checks the resource now from {@code from} (Concourse's {@code fly check-resource --from}),
     * which need not be in its history.
     *
     * @throws NotFoundException  if there is no such pipeline or resource
     * @throws ConcourseException if the engine closed while the check ran
     */
    CheckResult check(ResourceRef resource, Version from);

    /**
     * Accepts a webhook for the resource, as Concourse's
     * {@code POST .../resources/:resource/check/webhook?webhook_token=...}: when {@code token}
     * equals the resource's {@code webhook_token} (whose {@code ((vars))} are resolved like its
     * {@code source}), a check of the resource starts on the engine's executor and this returns
     * at once; how the check went is recorded on the resource ({@link #get}).
     *
     * @param token the token the webhook carried
     * @throws NotFoundException  if there is no such pipeline or resource
     * @throws ConcourseException if the resource has no {@code webhook_token}, the token does not
     *                            match it ("invalid webhook token for resource ..."), or its vars
     *                            cannot be resolved
     */
    void checkWebhook(ResourceRef resource, String token);

    /** The resource, with its pin and how its last check went; empty if its pipeline does not have it. */
    Optional<Resource> get(ResourceRef resource);

    /**
     * The pipeline's resources in config order.
     *
     * @throws NotFoundException if there is no such pipeline
     */
    List<Resource> list(PipelineRef pipeline);

    /**
     * The resource's versions, newest first, at most {@code limit}, disabled ones included; empty
     * before its first check or put.
     *
     * @throws NotFoundException if there is no such pipeline or resource
     */
    List<ResourceVersion> versions(ResourceRef resource, int limit);

    /**
     * Pins the resource to a version of its history, replacing an earlier pin made here: its get
     * steps fetch that version.
     *
     * @param comment why, shown with the pin; may be empty
     * @throws NotFoundException  if there is no such resource, or the version is not in its history
     * @throws ConcourseException if the resource is pinned in its config ({@code version:}), which
     *                            only setting the pipeline changes
     */
    Resource pin(ResourceRef resource, Version version, String comment);

    /**
     * Removes the pin made with {@link #pin}; a resource that is not pinned is returned as it is.
     *
     * @throws NotFoundException  if there is no such resource
     * @throws ConcourseException if the resource is pinned in its config
     */
    Resource unpin(ResourceRef resource);

    /**
     * Disables a version for the resource: builds no longer get it.
     *
     * @return true if it was enabled
     * @throws NotFoundException if there is no such resource, or the version is not in its history
     */
    boolean disable(ResourceRef resource, Version version);

    /**
     * Enables a disabled version again.
     *
     * @return true if it was disabled
     * @throws NotFoundException if there is no such resource, or the version is not in its history
     */
    boolean enable(ResourceRef resource, Version version);
}
