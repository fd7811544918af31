package dev.concourse.runtime;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory standing in for a container's root file system; its processes run on the host.
 * State that must outlive the JVM (environment, working directory, properties, the ids of started
 * processes) is kept in a {@link StateFile}.
 */
final class LocalContainer implements Container {
    private static final Logger LOG = LoggerFactory.getLogger(LocalContainer.class);
    private static final String ENV = "env.";
    private static final String PROPERTY = "property.";
    private static final String PROCESS = "process.";
    private static final String WORKING_DIR = "workingDir";
    static final String IMAGE = "image";
    private static final long KILL_WAIT_SECONDS = 10;

    private final LocalWorker worker;
    private final String handle;
    private final ContainerPaths paths;
    private final StateFile state;
    private final Map<String, String> env;
    private final String workingDir;
    /** The image as stored: {@code raw://...}, {@code volume:<handle>}, or null. */
    private final String image;
    private final Map<String, String> properties;
    /** Started processes by id: where the pid and start time of each started process is recorded. */
    private final Map<String, String> processRecords;
    private final Map<String, LocalProcess> processes = new HashMap<>();
    private boolean destroyed;

    private LocalContainer(LocalWorker worker, String handle, Path directory, StateFile state,
            Map<String, String> stored) {
        this.worker = worker;
        this.handle = handle;
        this.paths = new ContainerPaths(directory);
        this.state = state;
        this.env = new LinkedHashMap<>(withPrefix(stored, ENV));
        this.workingDir = ContainerPaths.normalize("/", stored.getOrDefault(WORKING_DIR, "/"));
        this.image = stored.get(IMAGE);
        this.properties = new LinkedHashMap<>(withPrefix(stored, PROPERTY));
        this.processRecords = new LinkedHashMap<>(withPrefix(stored, PROCESS));
    }

    /** Sets up a new container in {@code directory}, which has just been created for it. */
    static LocalContainer create(LocalWorker worker, String handle, Path directory, StateFile state,
            ContainerSpec spec, Map<String, String> imageEntries) {
        Map<String, String> stored = new LinkedHashMap<>(imageEntries);
        spec.env().forEach((k, v) -> stored.put(ENV + k, v));
        spec.properties().forEach((k, v) -> stored.put(PROPERTY + k, v));
        stored.put(WORKING_DIR, ContainerPaths.normalize("/", spec.workingDir() == null ? "/" : spec.workingDir()));
        stored.put("privileged", Boolean.toString(spec.privileged()));
        if (spec.user() != null) {
            stored.put("user", spec.user());
        }
        LocalContainer container = new LocalContainer(worker, handle, directory, state, stored);
        List<ContainerSpec.Mount> mounts = new ArrayList<>(spec.mounts());
        mounts.sort((a, b) -> Integer.compare(depth(a.path()), depth(b.path())));
        for (int i = 0; i < mounts.size(); i++) {
            ContainerSpec.Mount mount = mounts.get(i);
            container.mount(mount);
            stored.put("mount." + i, mount.volume().handle() + " " + (mount.readOnly() ? "ro" : "rw") + " "
                    + ContainerPaths.normalize("/", mount.path()));
        }
        try {
            Files.createDirectories(container.paths.host(container.workingDir));
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot create working directory " + container.workingDir
                    + " of container " + handle + ": " + e.getMessage(), e);
        }
        state.write(stored);
        return container;
    }

    /** The container as stored by an earlier instance (or JVM), or empty if there is none. */
    static Optional<LocalContainer> load(LocalWorker worker, String handle, Path directory, StateFile state) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        return state.read().map(stored -> new LocalContainer(worker, handle, directory, state, stored));
    }

    @Override
    public String handle() {
        return handle;
    }

    @Override
    public String workerName() {
        return worker.info().name();
    }

    Path directory() {
        return paths.root();
    }

    @Override
    public ContainerProcess run(ProcessSpec spec, ProcessIO io) {
        ProcessIO streams = io == null ? new ProcessIO(null, null, null) : io;
        synchronized (this) {
            checkNotDestroyed();
            LocalProcess existing = processes.get(spec.id());
            if (existing != null && existing.isAlive()) {
                throw new RuntimeOperationException("cannot run process '" + spec.id() + "' in container " + handle
                        + ": a process with that id is still running; wait for it or choose another id");
            }
            String dir = ContainerPaths.normalize(workingDir, spec.dir() == null ? "." : spec.dir());
            Path hostDir = paths.host(dir);
            try {
                Files.createDirectories(hostDir);
            } catch (IOException e) {
                throw new RuntimeOperationException("cannot create working directory " + dir + " for process '"
                        + spec.id() + "' in container " + handle + ": " + e.getMessage(), e);
            }
            Map<String, String> environment = worker.environment().forProcess(env, spec.env());
            List<Path> tried = new ArrayList<>();
            Path rootfs = worker.imageRootfs(image).orElse(null);
            List<Path> executables = paths.executables(spec.path(), rootfs, hostDir,
                    environment.getOrDefault("PATH", ""), tried);
            if (executables.isEmpty()) {
                throw new RuntimeOperationException("cannot run process '" + spec.id() + "' in container " + handle
                        + ": no executable '" + spec.path() + "' (looked at " + tried + ")");
            }
            Process process = start(spec, executables, rootfs, hostDir, environment);
            LocalProcess local = LocalProcess.start(spec.id(), "process '" + spec.id() + "' of container " + handle,
                    process, streams, worker.outputDrainTimeout());
            processes.put(spec.id(), local);
            processRecords.put(spec.id(), local.pid() + " "
                    + local.handle().info().startInstant().map(Instant::toEpochMilli).orElse(0L));
            persist();
            return local;
        }
    }

    /**
     * Starts the first executable that starts. One from the image's root file system that cannot
     * start on this host (a program for another C library, whose loader the host lacks) gives way
     * to the next candidate, so tasks whose image shares paths with the host still run.
     */
    private Process start(ProcessSpec spec, List<Path> executables, Path rootfs, Path hostDir,
            Map<String, String> environment) {
        for (int i = 0; ; i++) {
            Path executable = executables.get(i);
            List<String> command = new ArrayList<>(spec.args().size() + 1);
            command.add(executable.toString());
            command.addAll(spec.args());
            ProcessBuilder builder = new ProcessBuilder(command).directory(hostDir.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            try {
                return builder.start();
            } catch (IOException e) {
                if (rootfs != null && executable.startsWith(rootfs) && i + 1 < executables.size()) {
                    LOG.debug("cannot start {} from the image of container {} ({}); trying {}", executable, handle,
                            e.getMessage(), executables.get(i + 1));
                    continue;
                }
                throw new RuntimeOperationException("cannot run process '" + spec.id() + "' (" + executable
                        + ") in container " + handle + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Within this runtime instance only: the processes of an earlier JVM (or instance) cannot be
     * re-attached, because their output went to pipes of the JVM that started them.
     */
    @Override
    public synchronized Optional<ContainerProcess> attach(String processId, ProcessIO io) {
        LocalProcess process = processes.get(processId);
        if (process == null || destroyed) {
            return Optional.empty();
        }
        process.redirect(io == null ? new ProcessIO(null, null, null) : io);
        return Optional.of(process);
    }

    @Override
    public synchronized Map<String, String> properties() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    @Override
    public synchronized void setProperty(String name, String value) {
        checkNotDestroyed();
        properties.put(name, value);
        persist();
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        killProcesses();
        state.delete();
        worker.forget(this);
        try {
            FileTrees.delete(paths.root());
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot delete the directory of container " + handle + " ("
                    + paths.root() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Kills the processes this instance started and those recorded by earlier ones that still run
     * (matched by pid and start time, so a recycled pid is never hit), then waits for them to end.
     */
    void killProcesses() {
        List<ProcessHandle> toWaitFor = new ArrayList<>();
        Map<String, String> records;
        List<LocalProcess> started;
        synchronized (this) {
            records = new LinkedHashMap<>(processRecords);
            started = new ArrayList<>(processes.values());
        }
        for (LocalProcess process : started) {
            if (process.isAlive()) {
                toWaitFor.add(process.handle());
                toWaitFor.addAll(process.handle().descendants().toList());
                process.signal(ProcessSignal.KILL);
            }
        }
        records.forEach((id, record) -> recordedProcess(record).ifPresent(h -> {
            List<ProcessHandle> descendants = h.descendants().toList();
            h.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            toWaitFor.add(h);
        }));
        for (ProcessHandle h : toWaitFor) {
            try {
                h.onExit().get(KILL_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("process {} of container {} did not exit within {}s of SIGKILL", h.pid(), handle,
                        KILL_WAIT_SECONDS);
            }
        }
    }

    private static Optional<ProcessHandle> recordedProcess(String record) {
        String[] parts = record.split(" ");
        try {
            long pid = Long.parseLong(parts[0]);
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void mount(ContainerSpec.Mount mount) {
        String path = ContainerPaths.normalize("/", mount.path());
        if (path.equals("/")) {
            throw new RuntimeOperationException("cannot mount volume " + mount.volume().handle() + " at / of container "
                    + handle + ": the local runtime mounts volumes as links, and / is the container itself");
        }
        LocalVolume volume = worker.localVolume(mount.volume()).orElseThrow(() -> new RuntimeOperationException(
                "cannot mount volume " + mount.volume().handle() + " in container " + handle + ": it is not a volume of"
                        + " worker " + worker.info().name() + " (it is on " + mount.volume().workerName() + ")"));
        Path link = paths.host(path);
        try {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, volume.directory());
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot mount volume " + volume.handle() + " at " + path
                    + " of container " + handle + ": " + e, e);
        }
    }

    private void persist() {
        Map<String, String> stored = new LinkedHashMap<>(state.read().orElseGet(Map::of));
        stored.keySet().removeIf(k -> k.startsWith(PROPERTY) || k.startsWith(PROCESS));
        properties.forEach((k, v) -> stored.put(PROPERTY + k, v));
        processRecords.forEach((k, v) -> stored.put(PROCESS + k, v));
        state.write(stored);
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new RuntimeOperationException("container " + handle + " on worker " + worker.info().name()
                    + " has been destroyed");
        }
    }

    private static Map<String, String> withPrefix(Map<String, String> stored, String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        stored.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()), v);
            }
        });
        return result;
    }

    private static int depth(String path) {
        return ContainerPaths.normalize("/", path).split("/").length;
    }
}
