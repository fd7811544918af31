package dev.concourse.internal.resourcetype;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.EngineClock;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one way the engine runs resources: {@code check}, {@code get} and {@code put} of a
 * {@link ResolvedType}, native ones in this JVM ({@link NativeRunner}) and container ones with
 * Concourse's protocol on a worker ({@link ScriptResource}). Every call merges the type's
 * {@code defaults} into the source first ({@link SourceDefaults}).
 *
 * <p>Outcomes: a result, or a {@link ResourceException}: with an
 * {@link ResourceException#exitStatus() exit status} when the script exited non-zero (Concourse
 * then reports a failed step: {@code finish-get}/{@code finish-put} with that status, or a failed
 * check), a {@link ResourceCancelledException} when the call was cancelled, any other for an error
 * (its message is the step's error). Calls block until done; the log is written from other threads
 * meanwhile.
 *
 * <p>Thread-safe.
 */
public final class Resources {
    private final NativeRunner natives;
    private final ScriptResource scripts;

    /**
     * @param clock            for the grace period timers
     * @param abortGracePeriod how long a cancelled script has between TERMINATE and KILL, and a
     *                         cancelled native call before it is abandoned
     */
    public Resources(EngineClock clock, Duration abortGracePeriod) {
        this(clock, abortGracePeriod, false);
    }

    /**
     * @param clock              for the grace period timers
     * @param abortGracePeriod   as above
     * @param nativesOnCaller    run native types' calls on the calling thread rather than a virtual
     *                           thread each (the engine's executor is a
     *                           {@link dev.concourse.spi.scheduling.CallerRunsExecutor})
     */
    public Resources(EngineClock clock, Duration abortGracePeriod, boolean nativesOnCaller) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(abortGracePeriod, "abortGracePeriod");
        this.natives = new NativeRunner(clock, abortGracePeriod, nativesOnCaller);
        this.scripts = new ScriptResource(clock, abortGracePeriod);
    }

    /**
     * Finds versions.
     *
     * @param worker where a container type's script runs; ignored (and may be null) for a native type
     * @return versions oldest first, as the type reported them
     */
    public List<Version> check(ResolvedType type, ResourceCall call, Worker worker) {
        ResourceRequest request = request(type, call, Map.of(), call.version(), Map.of());
        List<Version> versions = switch (type) {
            case ResolvedType.Native n -> natives.call(describe("check", type), call.cancel(),
                    () -> n.type().check(request));
            case ResolvedType.Container c -> scripts.check(c, request, call.cancel(), required(worker, c),
                    call.containerProperties());
        };
        if (versions == null) {
            throw new ResourceException(describe("check", type) + " returned no list of versions");
        }
        List<Version> result = new ArrayList<>(versions.size());
        for (Version version : versions) {
            if (version == null) {
                throw new ResourceException(describe("check", type) + " returned a null version");
            }
            result.add(version);
        }
        return List.copyOf(result);
    }

    /**
     * Fetches {@code call.version()} into {@code directory}, an empty volume of {@code worker}
     * that becomes the get step's artifact.
     *
     * @param worker where a container type's script runs, the volume's worker; ignored for a
     *               native type, which writes to the volume's directory when it is on this host
     *               and streams into it otherwise
     */
    public ResourceResult get(ResolvedType type, ResourceCall call, Worker worker, Volume directory) {
        Objects.requireNonNull(directory, "directory");
        ResourceRequest request = request(type, call, call.params(), call.version(), call.environment());
        ResourceResult result = switch (type) {
            case ResolvedType.Native n -> NativeRunner.intoVolume(directory, path -> natives.call(
                    describe("get", type), call.cancel(), () -> n.type().get(request, path)));
            case ResolvedType.Container c -> scripts.get(c, request, call.cancel(), required(worker, c),
                    call.containerProperties(), call.keepContainers(), directory);
        };
        return checked(result, "get", type);
    }

    /**
     * Creates a version from {@code artifacts} (the put's inputs, by artifact name).
     *
     * @param worker where a container type's script runs (artifacts elsewhere are streamed to it);
     *               ignored for a native type
     */
    public ResourceResult put(ResolvedType type, ResourceCall call, Worker worker, Map<String, Volume> artifacts) {
        Objects.requireNonNull(artifacts, "artifacts");
        ResourceRequest request = request(type, call, call.params(), null, call.environment());
        ResourceResult result = switch (type) {
            case ResolvedType.Native n -> NativeRunner.withArtifacts(artifacts, path -> natives.call(
                    describe("put", type), call.cancel(), () -> n.type().put(request, path)));
            case ResolvedType.Container c -> scripts.put(c, request, call.cancel(), required(worker, c),
                    call.containerProperties(), call.keepContainers(), artifacts);
        };
        return checked(result, "put", type);
    }

    /**
     * The result of a get or put of a container type whose kept container an earlier engine made
     * ({@link ResourceCall#keepContainers()}): cached on it, or read from its script, re-attached to
     * (a build taken over from a stopped engine node). Outcomes as for {@link #get}.
     *
     * @param log the step's stderr, which gets the script's further output
     */
    public ResourceResult reattach(Container container, OutputStream log, CancelSignal cancel) {
        Objects.requireNonNull(container, "container");
        return scripts.reattach(container, log == null ? OutputStream.nullOutputStream() : log,
                Objects.requireNonNull(cancel, "cancel"));
    }

    private static ResourceRequest request(ResolvedType type, ResourceCall call, Map<String, Object> params,
            Version version, Map<String, String> environment) {
        return new ResourceRequest(SourceDefaults.merge(type.defaults(), call.source()), params, version,
                environment, call.log(), call.cancel()::isCancelled);
    }

    private static ResourceResult checked(ResourceResult result, String operation, ResolvedType type) {
        if (result == null) {
            throw new ResourceException(describe(operation, type) + " returned no result");
        }
        return result;
    }

    private static Worker required(Worker worker, ResolvedType.Container type) {
        if (worker == null) {
            throw new IllegalArgumentException("container resource type '" + type.name() + "' needs a worker");
        }
        return worker;
    }

    private static String describe(String operation, ResolvedType type) {
        return operation + " of resource type '" + type.name() + "'";
    }
}
