package dev.concourse.internal.resourcetype;

import dev.concourse.internal.config.Frozen;
import dev.concourse.resource.Version;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@code check}, {@code get} or {@code put} of a resource is asked to do, as the
 * executor knows it.
 *
 * @param source              the resource's {@code source} with vars resolved, without the type's
 *                            defaults (the {@link Resources} facade merges those in)
 * @param params              the step's params; ignored by {@code check}
 * @param version             the version to check from (null on a first check) or to fetch; ignored by {@code put}
 * @param environment         the build metadata variables ({@link BuildEnvironment#variables()}); ignored
 *                            by {@code check}, which never gets them
 * @param log                 the step's stderr; written to from other threads; not closed
 * @param cancel              raised when the step is aborted or times out
 * @param containerProperties properties given to containers and volumes made for the call (their
 *                            owner: build id, plan id), for finding them after a restart
 * @param keepContainers      whether the containers and volumes made for the call stay when it ends
 *                            (the build's owner destroys them when the build ends), with the script's
 *                            result cached on the container ({@code concourse:resource-result}), so
 *                            that a node taking the build over finds them
 */
public record ResourceCall(Map<String, Object> source, Map<String, Object> params, Version version,
        Map<String, String> environment, OutputStream log, CancelSignal cancel,
        Map<String, String> containerProperties, boolean keepContainers) {

    public ResourceCall {
        source = Frozen.map(source);
        params = Frozen.map(params);
        environment = Frozen.strings(environment);
        log = log == null ? OutputStream.nullOutputStream() : log;
        Objects.requireNonNull(cancel, "cancel");
        containerProperties = Frozen.strings(containerProperties);
    }

    /** A check from {@code version} (null for the first). */
    public static ResourceCall check(Map<String, Object> source, Version version, OutputStream log,
            CancelSignal cancel) {
        return new ResourceCall(source, Map.of(), version, Map.of(), log, cancel, Map.of(), false);
    }

    /** A get of {@code version}. */
    public static ResourceCall get(Map<String, Object> source, Map<String, Object> params, Version version,
            Map<String, String> environment, OutputStream log, CancelSignal cancel) {
        return new ResourceCall(source, params, version, environment, log, cancel, Map.of(), false);
    }

    /** A put. */
    public static ResourceCall put(Map<String, Object> source, Map<String, Object> params,
            Map<String, String> environment, OutputStream log, CancelSignal cancel) {
        return new ResourceCall(source, params, null, environment, log, cancel, Map.of(), false);
    }

    /** This call with {@code properties} on the containers and volumes it makes. */
    public ResourceCall withContainerProperties(Map<String, String> properties) {
        return new ResourceCall(source, params, version, environment, log, cancel, properties, keepContainers);
    }

    /** This call keeping (or not) the containers and volumes it makes when it ends. */
    public ResourceCall withKeptContainers(boolean keep) {
        return new ResourceCall(source, params, version, environment, log, cancel, containerProperties, keep);
    }
}
