package dev.concourse.spi.resource;

import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import java.nio.file.Path;
import java.util.List;

/**
 * A resource type implemented in Java and run inside the engine's JVM: the native counterpart of
 * a container image with {@code /opt/resource/check}, {@code in} and {@code out} (Concourse's
 * resource protocol, {@code docs/resources.md}). A pipeline uses it by name, as
 * {@code type: <name>} of a resource, or as the {@code type} of a {@code resource_types} entry
 * whose image it then fetches. Register it with the engine's builder; the engine ships
 * {@code mock}, {@code time} and {@code local-image}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Errors</b>: throw {@link dev.concourse.resource.ResourceException} with a message for
 *       the user; it becomes the step's error. Give it an exit status to have the step reported
 *       as failed rather than errored, as a script exiting non-zero is. Any other runtime exception
 *       errors the step too, with its class and message.</li>
 *   <li><b>Log</b>: what the type writes to {@link ResourceRequest#log()} is the step's stderr in
 *       the build log, shown as it is written. Do not close it.</li>
 *   <li><b>Cancellation</b> (abort, timeout): {@link ResourceRequest#isCancelled()} turns true and
 *       the calling thread is interrupted. Return or throw soon after. When the engine's abort
 *       grace period has passed it stops waiting and abandons the call, and whatever it still
 *       writes to the directory or the log may be lost.</li>
 *   <li><b>Threading</b>: one instance serves every pipeline of the engine, and calls for
 *       different resources and steps arrive concurrently, so implementations must be
 *       thread-safe; keep state in the versions and directories, not in fields.</li>
 *   <li><b>Secrets</b>: {@code source} and {@code params} arrive with their {@code ((vars))}
 *       resolved; do not echo them to the log.</li>
 * </ul>
 */
public interface ResourceType {

    /** The name pipelines use as {@code type:}, such as {@code mock}; unique within an engine. */
    String name();

    /**
     * Finds versions (Concourse's {@code check}). The request has no params and no build
     * environment; its version is the latest one known, or null on the first check.
     *
     * @return new versions, oldest first, beginning with the request's version when it is still
     *         valid (Concourse's rule, so that a version that disappeared can be told apart); an
     *         empty list when there is nothing (yet); never null
     */
    List<Version> check(ResourceRequest request);

    /**
     * Fetches a version (Concourse's {@code in}) into {@code directory}, which exists and is empty;
     * what it holds afterwards is the artifact later steps see under the get step's name.
     *
     * @param request   the version to fetch (never null here), the source, the get step's params,
     *                  and the build's metadata environment
     * @param directory where the content goes
     * @return the version fetched (normally the request's) and metadata about it
     */
    ResourceResult get(ResourceRequest request, Path directory);

    /**
     * Creates a version (Concourse's {@code out}) from the build's artifacts.
     *
     * @param request   the source, the put step's params, the build's metadata environment; no version
     * @param directory holds one sub-directory per artifact the put step takes as input, named after
     *                  it; relative paths in params ({@code file: built/version}) are relative to
     *                  it. Treat it as read-only: the artifacts may be the build's own, not copies
     * @return the version created and metadata about it
     */
    ResourceResult put(ResourceRequest request, Path directory);
}
