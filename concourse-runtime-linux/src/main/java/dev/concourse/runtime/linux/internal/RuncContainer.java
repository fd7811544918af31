package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A container: a root file system (an overlay of the image and {@code upper/}, mounted at
 * {@code rootfs/}), mounts, environment, user and working directory, and its processes, each run
 * by runc as a container of its own on that root file system (see {@link ProcessLauncher}).
 */
final class RuncContainer implements Container {

    private final RuncWorker worker;
    private final String handle;
    private final ContainerLayout layout;
    private final StateFile state;
    private final ContainerSettings settings;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final ConcurrentHashMap<String, RuncProcess> processes = new ConcurrentHashMap<>();
    private final Set<String> starting = new HashSet<>();
    private volatile boolean destroyed;
    private volatile boolean rootfsMounted;

    RuncContainer(RuncWorker worker, String handle, ContainerLayout layout, StateFile state,
            Map<String, String> stored) {
        this.worker = worker;
        this.handle = handle;
        this.layout = layout;
        this.state = state;
        this.settings = ContainerSettings.fromState(stored);
        properties.putAll(StoredProperties.of(stored));
    }

    static Map<String, String> entries(ContainerSettings settings, Map<String, String> properties) {
        Map<String, String> stored = new LinkedHashMap<>(settings.toState());
        StoredProperties.addTo(stored, properties);
        return stored;
    }

    @Override
    public String handle() {
        return handle;
    }

    @Override
    public String workerName() {
        return worker.info().name();
    }

    ContainerSettings settings() {
        return settings;
    }

    ContainerLayout layout() {
        return layout;
    }

    @Override
    public ContainerProcess run(ProcessSpec spec, ProcessIO io) {
        synchronized (this) {
            checkNotDestroyed();
            RuncProcess existing = processes.get(spec.id());
            if (starting.contains(spec.id()) || (existing != null && existing.isRunning())) {
                throw new RuntimeOperationException("container " + handle + " already runs a process with id '"
                        + spec.id() + "'; wait for it to finish or choose another id");
            }
            starting.add(spec.id());
        }
        try {
            worker.ensureMounted(this);
            RuncProcess process = worker.start(this, spec, io);
            follow(spec.id(), process);
            return process;
        } finally {
            synchronized (this) {
                starting.remove(spec.id());
            }
        }
    }

    @Override
    public Optional<ContainerProcess> attach(String processId, ProcessIO io) {
        RuncProcess known = processes.get(processId);
        if (known != null) {
            known.redirect(io);
            return Optional.of(known);
        }
        ProcessDirectory directory = new ProcessDirectory(layout.processes().resolve(ProcessDirectory.dirName(processId)));
        if (!Files.isDirectory(directory.path()) || !directory.read("id").map(processId::equals).orElse(false)) {
            return Optional.empty();
        }
        Optional<ProcessHandle> supervisor = directory.supervisor();
        if (directory.exitStatus().isEmpty() && supervisor.isEmpty()) {
            return Optional.empty();
        }
        RuncProcess process = RuncProcess.reattach(processId, directory, settings.memoryLimitText(),
                worker.signaller(directory), worker.drainTimeout(), io,
                directory.exitStatus().isPresent() ? null : supervisor.get());
        RuncProcess raced = processes.putIfAbsent(processId, process);
        if (raced != null) {
            process.stopReading();
            raced.redirect(io);
            return Optional.of(raced);
        }
        process.onDetach(() -> processes.remove(processId, process));
        return Optional.of(process);
    }

    /** Follows a process this instance started; forgets it when it is detached (a later attach attaches anew). */
    private void follow(String processId, RuncProcess process) {
        processes.put(processId, process);
        process.onDetach(() -> processes.remove(processId, process));
    }

    @Override
    public synchronized Map<String, String> properties() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    @Override
    public synchronized void setProperty(String name, String value) {
        checkNotDestroyed();
        properties.put(name, value);
        StoredProperties.store(state, properties);
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        worker.destroy(this);
    }

    /** Stops forwarding the output of its processes (the runtime closes; they run on). */
    void detachProcesses() {
        processes.values().forEach(RuncProcess::stopReading);
    }

    /** The runc ids of every process ever recorded in its state directory. */
    List<ProcessDirectory> processDirectories() {
        if (!Files.isDirectory(layout.processes())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(layout.processes())) {
            return dirs.filter(Files::isDirectory).map(ProcessDirectory::new).toList();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot list the processes of container " + handle + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether this object saw its root file system mounted ({@link RuncWorker#ensureMounted}). */
    boolean rootfsMounted() {
        return rootfsMounted;
    }

    void markRootfsMounted() {
        rootfsMounted = true;
    }

    /**
     * Whether this instance reads no output of an earlier process with this id any more (it follows
     * none, or that one's output has ended), so its directory's FIFOs can serve a new process.
     */
    boolean outputEnded(String processId) {
        RuncProcess earlier = processes.get(processId);
        return earlier == null || earlier.outputDone();
    }

    /** The processes this instance follows. */
    List<RuncProcess> followed() {
        return new ArrayList<>(processes.values());
    }

    static String newRuncId(String handle) {
        return handle + "." + Names.randomSuffix();
    }

    void signalAll(ProcessSignal signal) {
        for (ProcessDirectory directory : processDirectories()) {
            if (directory.exitStatus().isEmpty()) {
                worker.signaller(directory).accept(signal);
            }
        }
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new RuntimeOperationException("container " + handle + " on worker " + worker.info().name()
                    + " has been destroyed");
        }
    }
}
