package dev.concourse.internal.resourcetype;

import dev.concourse.internal.runtime.ProcessStopper;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessDetachedException;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.EngineClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a container resource type with Concourse's protocol ({@code atc/resource/resource.go}):
 * a container of the type's image on the given worker, and in it {@code /opt/resource/check},
 * {@code /opt/resource/in <dir>} or {@code /opt/resource/out <dir>} as process {@code resource},
 * with the request as JSON on stdin, stdout read as the response and stderr streamed to the log.
 *
 * <ul>
 *   <li>{@code in}: the target volume is mounted at {@code /tmp/build/get}, the working directory;
 *       {@code out}: a scratch volume at {@code /tmp/build/put}, the working directory, with a copy
 *       of each artifact at {@code /tmp/build/put/<name>} (copies, as Concourse's copy-on-write
 *       inputs, so a script cannot change the build's artifacts);</li>
 *   <li>the directory argument is that container path, except on workers that do not isolate
 *       processes ({@link dev.concourse.WorkerInfo#isolated()} false, the local runtime): their
 *       processes see the host's file system, where {@code /tmp/build/get} is not the volume, so
 *       they get the volume's path on the host instead;</li>
 *   <li>the build metadata environment goes to {@code in} and {@code out}, never to {@code check};</li>
 *   <li>a non-zero exit is a {@link ResourceException} with that {@link ResourceException#exitStatus()};
 *       output that is not the expected JSON, or a get/put without a version, is one without;</li>
 *   <li>when the call is cancelled the script gets TERMINATE, then KILL after the abort grace
 *       period, and the call ends with a {@link ResourceCancelledException} once it has exited;
 *       when its build is handed over to another engine node ({@link CancelSignal#isHandedOver()})
 *       the script is detached instead, not signalled, and the call ends at once;</li>
 *   <li>the container (and the scratch and copied volumes) are destroyed at the end, whatever the
 *       outcome, unless the call keeps them ({@link ResourceCall#keepContainers()}, a build another
 *       engine node may take over): then a successful script's stdout is cached on its container as
 *       {@code concourse:resource-result}, as Concourse caches it, and {@link #reattach} gives a
 *       later engine the result, from that cache or by re-attaching to the running script
 *       (Concourse's {@code attachOrRun}).</li>
 * </ul>
 * Not done (yet): the {@code /etc/ssl/certs} bind mount.
 */
final class ScriptResource {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptResource.class);
    static final String CHECK = "/opt/resource/check";
    static final String IN = "/opt/resource/in";
    static final String OUT = "/opt/resource/out";
    static final String GET_DIR = "/tmp/build/get";
    static final String PUT_DIR = "/tmp/build/put";
    static final String PROCESS_ID = "resource";
    /** The container property caching a get's or put's stdout once the script succeeded. */
    static final String RESULT_PROPERTY = "concourse:resource-result";
    /** Results larger than this are not cached (a real get or put result is a few hundred bytes). */
    private static final int MAX_CACHED_RESULT = 1024 * 1024;
    /** More than any sane list of versions; a runaway script must not exhaust the heap. */
    static final int MAX_STDOUT_BYTES = 16 * 1024 * 1024;

    private final EngineClock clock;
    private final Duration abortGracePeriod;

    ScriptResource(EngineClock clock, Duration abortGracePeriod) {
        this.clock = clock;
        this.abortGracePeriod = abortGracePeriod;
    }

    List<Version> check(ResolvedType.Container type, ResourceRequest request, CancelSignal cancel, Worker worker,
            Map<String, String> properties) {
        ContainerSpec spec = spec(type, Map.of(), null, List.of(), properties, "check");
        byte[] stdout = run(type, worker, spec, CHECK, List.of(), CHECK, request.source(), Map.of(),
                request.version(), request.log(), cancel, false);
        return ProtocolJson.versions(stdout, CHECK);
    }

    ResourceResult get(ResolvedType.Container type, ResourceRequest request, CancelSignal cancel, Worker worker,
            Map<String, String> properties, boolean keep, Volume directory) {
        if (!directory.workerName().equals(worker.info().name())) {
            throw new ResourceException("cannot fetch into volume " + directory.handle() + ": it is on worker "
                    + directory.workerName() + ", the get runs on " + worker.info().name());
        }
        ContainerSpec spec = spec(type, request.environment(), GET_DIR,
                List.of(new ContainerSpec.Mount(directory, GET_DIR, false)), properties, "get");
        String argument = worker.info().isolated() ? GET_DIR : directory.path();
        byte[] stdout = run(type, worker, spec, IN, List.of(argument), IN + " " + GET_DIR, request.source(),
                request.params(), request.version(), request.log(), cancel, keep);
        return ProtocolJson.result(stdout, IN + " " + GET_DIR);
    }

    ResourceResult put(ResolvedType.Container type, ResourceRequest request, CancelSignal cancel, Worker worker,
            Map<String, String> properties, boolean keep, Map<String, Volume> artifacts) {
        List<Volume> created = new ArrayList<>();
        try {
            Volume scratch = track(created, worker.createVolume(volumeSpec(type, null, properties)));
            List<ContainerSpec.Mount> mounts = new ArrayList<>();
            mounts.add(new ContainerSpec.Mount(scratch, PUT_DIR, false));
            for (Map.Entry<String, Volume> artifact : artifacts.entrySet()) {
                String name = artifact.getKey();
                if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                    throw new ResourceException("cannot give artifact '" + name + "' to a put: not a valid name");
                }
                Volume copy = copyOf(artifact.getValue(), worker, type, properties, created);
                mounts.add(new ContainerSpec.Mount(copy, PUT_DIR + "/" + name, false));
            }
            ResourceCancelledException.throwIfCancelled(cancel, "put of type '" + type.name() + "'");
            ContainerSpec spec = spec(type, request.environment(), PUT_DIR, mounts, properties, "put");
            String argument = worker.info().isolated() ? PUT_DIR : scratch.path();
            byte[] stdout = run(type, worker, spec, OUT, List.of(argument), OUT + " " + PUT_DIR, request.source(),
                    request.params(), null, request.log(), cancel, keep);
            return ProtocolJson.result(stdout, OUT + " " + PUT_DIR);
        } finally {
            if (!keep) {
                for (Volume volume : created) {
                    destroy(volume);
                }
            }
        }
    }

    /**
     * Creates the container, runs the script, destroys the container; returns its stdout.
     * {@code command} is the script with its arguments as Concourse shows them, for messages.
     */
    private byte[] run(ResolvedType.Container type, Worker worker, ContainerSpec spec, String script,
            List<String> args, String command, Map<String, Object> source, Map<String, Object> params,
            Version version, OutputStream log, CancelSignal cancel, boolean keep) {
        ResourceCancelledException.throwIfCancelled(cancel, "resource script '" + command + "' of type '"
                + type.name() + "'");
        Container container;
        try {
            container = worker.createContainer(spec);
        } catch (RuntimeOperationException e) {
            throw new ResourceException("cannot create a container for resource type '" + type.name() + "' on worker "
                    + worker.info().name() + ": " + e.getMessage(), e);
        }
        try {
            BoundedOutput stdout = new BoundedOutput(MAX_STDOUT_BYTES);
            InputStream stdin = new ByteArrayInputStream(ProtocolJson.request(source, params, version));
            ContainerProcess process;
            try {
                process = container.run(new ProcessSpec(PROCESS_ID, script, args, Map.of(), null, null),
                        new ProcessIO(stdin, stdout, log));
            } catch (RuntimeOperationException e) {
                throw new ResourceException("cannot run " + script + " of resource type '" + type.name() + "': "
                        + e.getMessage() + "; a container resource type's image must have /opt/resource/check, in "
                        + "and out", e);
            }
            byte[] result = ended(process, stdout, command, type.name(), cancel);
            if (keep) {
                cache(container, result);
            }
            return result;
        } finally {
            if (!keep) {
                destroy(container);
            }
        }
    }

    /**
     * The result of the get or put whose container {@code container} an earlier engine made and
     * kept ({@link ResourceCall#keepContainers()}): its cached stdout if the script succeeded
     * already, else the script's further output once it ends, re-attached to its running process
     * (what it printed while no engine read waits in its output pipe). A script that cannot be
     * attached to is not run again (it may have run part-way): that is a {@link ResourceException}.
     */
    ResourceResult reattach(Container container, OutputStream log, CancelSignal cancel) {
        Map<String, String> properties = container.properties();
        String kind = properties.getOrDefault("concourse:type", "");
        String command = kind.equals("put") ? OUT + " " + PUT_DIR : IN + " " + GET_DIR;
        String typeName = properties.getOrDefault("concourse:resource-type", "?");
        String cached = properties.get(RESULT_PROPERTY);
        if (cached != null) {
            return ProtocolJson.result(cached.getBytes(StandardCharsets.UTF_8), command);
        }
        BoundedOutput stdout = new BoundedOutput(MAX_STDOUT_BYTES);
        ContainerProcess process = container.attach(PROCESS_ID, new ProcessIO(null, stdout, log)).orElseThrow(() ->
                new ResourceException("resource script '" + command + "' of type '" + typeName + "' in container "
                        + container.handle() + " on worker " + container.workerName() + " has no process the runtime"
                        + " can re-attach to, and no cached result; it is not run again, as it may have run part-way"));
        byte[] result = ended(process, stdout, command, typeName, cancel);
        if (result.length == 0) {
            throw new ResourceException("resource script '" + command + "' of type '" + typeName + "' in container "
                    + container.handle() + " on worker " + container.workerName() + " ended while no engine node read"
                    + " its output, so its result is lost; it is not run again");
        }
        cache(container, result);
        return ProtocolJson.result(result, command);
    }

    /** Waits for the script and checks how it ended; returns its stdout. */
    private byte[] ended(ContainerProcess process, BoundedOutput stdout, String command, String typeName,
            CancelSignal cancel) {
        int exitStatus = await(process, command, cancel);
        if (cancel.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw new ResourceCancelledException("resource script '" + command + "' of type '" + typeName
                    + "' was stopped: the step was cancelled");
        }
        if (exitStatus != 0) {
            String message = "resource script '" + command + "' failed: exit status " + exitStatus
                    + " (see stderr above)";
            // Windows reports some statuses as negative ints; they still fail the step, without a status.
            throw exitStatus > 0 ? new ResourceException(message, exitStatus) : new ResourceException(message);
        }
        if (stdout.overflowed()) {
            throw new ResourceException("resource script '" + command + "' printed more than "
                    + MAX_STDOUT_BYTES / (1024 * 1024) + " MiB on stdout; its output began: "
                    + ProtocolJson.quote(stdout.bytes()));
        }
        return stdout.bytes();
    }

    /** Caches a succeeded script's stdout on its kept container, for a node taking the build over. */
    private static void cache(Container container, byte[] stdout) {
        if (stdout.length > MAX_CACHED_RESULT) {
            return;
        }
        try {
            container.setProperty(RESULT_PROPERTY, new String(stdout, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LOG.warn("could not cache the result of a resource script on container {}: {}", container.handle(),
                    e.toString());
        }
    }

    /**
     * Waits for the script while watching the signal: TERMINATE when it is raised, KILL after the
     * grace period; when the build is handed over to another engine node the script is detached
     * instead (not signalled, the new owner re-attaches to it; stopped only where the runtime cannot
     * detach), and the call ends with a {@link ResourceCancelledException} at once. An interrupt of
     * the waiting thread counts as a cancellation of this call (the script is stopped the same way)
     * and is restored when the script has ended.
     */
    private int await(ContainerProcess process, String command, CancelSignal cancel) {
        boolean interrupted = false;
        ProcessStopper stopper = new ProcessStopper(process, clock, abortGracePeriod);
        CancelSignal.Registration cancelled = cancel.onCancel(() -> stopper.cancelled(cancel.isHandedOver()));
        CancelSignal.Registration handedOver = cancel.onHandOver(stopper::handOver);
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                    stopper.stop();
                }
            }
        } catch (ProcessDetachedException e) {
            throw new ResourceCancelledException("resource script '" + command + "' was detached, not stopped: its"
                    + " build was handed over to another engine node");
        } finally {
            handedOver.close();
            cancelled.close();
            stopper.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ContainerSpec spec(ResolvedType.Container type, Map<String, String> env, String workingDir,
            List<ContainerSpec.Mount> mounts, Map<String, String> properties, String kind) {
        Map<String, String> props = new LinkedHashMap<>(properties);
        props.put("concourse:type", kind);
        props.put("concourse:resource-type", type.name());
        return new ContainerSpec(null, type.image(), env, null, workingDir, mounts, ContainerSpec.Limits.NONE,
                type.privileged(), props);
    }

    private static VolumeSpec volumeSpec(ResolvedType.Container type, Volume parent, Map<String, String> properties) {
        return new VolumeSpec(null, parent, type.privileged(), properties);
    }

    /** A private copy of an artifact on {@code worker}: copy-on-write where it lives there, else streamed. */
    private static Volume copyOf(Volume artifact, Worker worker, ResolvedType.Container type,
            Map<String, String> properties, List<Volume> created) {
        if (artifact.workerName().equals(worker.info().name())) {
            return track(created, worker.createVolume(volumeSpec(type, artifact, properties)));
        }
        Volume copy = track(created, worker.createVolume(volumeSpec(type, null, properties)));
        try (InputStream tar = artifact.streamOut(".")) {
            copy.streamIn(".", tar);
        } catch (IOException e) {
            throw new ResourceException("streaming volume " + artifact.handle() + " from worker "
                    + artifact.workerName() + " to worker " + worker.info().name() + " failed: " + e.getMessage(), e);
        }
        return copy;
    }

    private static Volume track(List<Volume> created, Volume volume) {
        created.add(volume);
        return volume;
    }

    private static void destroy(Container container) {
        try {
            container.destroy();
        } catch (RuntimeException e) {
            LOG.warn("could not destroy resource container {} on worker {}: {}", container.handle(),
                    container.workerName(), e.toString());
        }
    }

    private static void destroy(Volume volume) {
        try {
            volume.destroy();
        } catch (RuntimeException e) {
            LOG.warn("could not destroy volume {} of a put on worker {}: {}", volume.handle(), volume.workerName(),
                    e.toString());
        }
    }

    /** A script's stdout, kept up to a limit; beyond it the rest is counted and dropped. Thread-safe. */
    private static final class BoundedOutput extends OutputStream {
        private final int limit;
        private byte[] buffer = new byte[1024];
        private int size;
        private boolean overflowed;

        BoundedOutput(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) {
            int keep = Math.min(len, limit - size);
            if (keep < len) {
                overflowed = true;
            }
            if (keep <= 0) {
                return;
            }
            if (size + keep > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.min(limit, Math.max(size + keep, buffer.length * 2)));
            }
            System.arraycopy(bytes, off, buffer, size, keep);
            size += keep;
        }

        synchronized byte[] bytes() {
            return java.util.Arrays.copyOf(buffer, size);
        }

        synchronized boolean overflowed() {
            return overflowed;
        }
    }
}
