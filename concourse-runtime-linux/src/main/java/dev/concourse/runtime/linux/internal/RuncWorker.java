package dev.concourse.runtime.linux.internal;

import dev.concourse.WorkerInfo;
import dev.concourse.runtime.linux.internal.network.BridgeNetwork;
import dev.concourse.runtime.linux.internal.network.ContainerNetwork;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessDetachedException;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The worker of a runc runtime: containers under {@code containers/}, volumes under
 * {@code volumes/}, image copies under {@code images/}, runc's own state under {@code runc/}, the
 * process supervisor under {@code bin/} ({@link SupervisorBinary}).
 * Creating and destroying take the read side of a lock whose write side the garbage collector
 * takes, so it never sees something half made.
 */
public final class RuncWorker implements Worker {
    static final String INIT_PATH = "/dev/.concourse-init";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration DESTROY_WAIT = Duration.ofSeconds(15);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Searchable by the unprivileged range, which runc's bind mounts need, but not listable. */
    private static final int SEARCH_ONLY = 0711;

    private final WorkerSettings settings;
    private final IdMap idMap;
    private final Commands commands;
    private final Mounts mounts;
    private final Images images;
    private final Cgroups cgroups;
    private final ProcessStarter starter;
    private final Path containersDir;
    private final Path volumesDir;
    private final Path runcRoot;
    /** The containers' bridge network, or null: each process gets a network namespace with only loopback. */
    private final BridgeNetwork bridge;
    private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
    private final ConcurrentHashMap<String, RuncContainer> containers = new ConcurrentHashMap<>();
    private final VolumeStore volumeStore;

    public RuncWorker(WorkerSettings settings) {
        this.settings = settings;
        this.idMap = new IdMap(settings.idMapHostId(), settings.idMapSize());
        this.commands = new Commands(settings.commandTimeout());
        this.mounts = new Mounts(commands);
        Path base = settings.baseDirectory();
        this.containersDir = base.resolve("containers");
        this.volumesDir = base.resolve("volumes");
        this.runcRoot = base.resolve("runc");
        this.images = new Images(base.resolve("images"), idMap, commands);
        this.cgroups = new Cgroups(settings.cgroupRoot(), base);
        this.volumeStore = new VolumeStore(this, volumesDir, mounts, commands, idMap);
        ProcessLauncher launcher = new ProcessLauncher(SupervisorBinary.install(base), settings.runc(), runcRoot,
                START_TIMEOUT);
        try {
            for (Path dir : List.of(containersDir, volumesDir, runcRoot, base.resolve("images"))) {
                Files.createDirectories(dir);
            }
            for (Path dir : List.of(base, containersDir, volumesDir, base.resolve("images"))) {
                Posix.chmod(dir.toString(), SEARCH_ONLY);
            }
            Names.checkSearchable(base.getParent());
            this.bridge = settings.network() == null ? null : BridgeNetwork.open(settings.network(), base);
            this.starter = new ProcessStarter(this, settings, launcher);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot set up the runc runtime's directory " + base + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public WorkerInfo info() {
        return settings.info();
    }

    IdMap idMap() {
        return idMap;
    }

    Duration drainTimeout() {
        return settings.drainTimeout();
    }

    /** The runc version, from {@code runc --version}. */
    public String runcVersion() {
        return RuncVersion.parse(commands.run("cannot run " + settings.runc(), List.of(settings.runc(), "--version")))
                .text();
    }

    /** Whether that runc predates the fix of CVE-2024-21626 (1.1.12). */
    public boolean runcOlderThanCveFix() {
        return RuncVersion.parse(commands.run("cannot run " + settings.runc(), List.of(settings.runc(), "--version")))
                .olderThan(RuncVersion.FIXED);
    }

    // ---- containers --------------------------------------------------------------------------

    @Override
    public Container createContainer(ContainerSpec spec) {
        String handle = Names.handleFor(spec.handle(), "container");
        ContainerLayout layout = new ContainerLayout(containersDir.resolve(handle));
        gcLock.readLock().lock();
        try {
            claim(layout.directory(), "container", handle);
            try {
                Posix.chmod(layout.directory().toString(), SEARCH_ONLY);
                Path rootfs = imageRootfs(spec.image(), handle);
                Path lower = images.lowerLayer(rootfs, spec.privileged());
                for (Path dir : List.of(layout.upper(), layout.work(), layout.rootfs(), layout.processes())) {
                    Files.createDirectories(dir);
                }
                if (!spec.privileged()) {
                    Posix.lchown(layout.upper().toString(), idMap.hostId(), idMap.hostId());
                }
                List<ContainerSettings.MountSetting> mountSettings = new ArrayList<>();
                for (ContainerSpec.Mount mount : spec.mounts()) {
                    RuncVolume volume = runcVolume(mount.volume()).orElseThrow(() -> new RuntimeOperationException(
                            "cannot create container " + handle + ": volume " + mount.volume().handle()
                                    + " is not a volume of worker " + info().name()));
                    if (!mount.path().startsWith("/")) {
                        throw new RuntimeOperationException("cannot create container " + handle + ": mount path '"
                                + mount.path() + "' must be absolute");
                    }
                    if (!spec.privileged() && !volume.privileged()) {
                        // The engine writes some volumes directly (in-process resource types):
                        // give what it wrote to the container's root.
                        Trees.shiftOwners(volume.data(), idMap);
                    }
                    mountSettings.add(new ContainerSettings.MountSetting(volume.handle(), volume.data().toString(),
                            Names.normalize(mount.path()), mount.readOnly()));
                }
                String workingDir = spec.workingDir() == null ? "/" : Names.normalize(spec.workingDir());
                mounts.overlay(lower, layout.upper(), layout.work(), layout.rootfs());
                String hostname = Names.hostnameFor(handle);
                if (bridge != null) {
                    hostname = bridge.setUp(handle, BridgeNetwork.hostnameFor(handle)).hostname();
                }
                ContainerSettings containerSettings = new ContainerSettings(spec.env(), spec.user(), workingDir,
                        mountSettings, spec.limits().memoryBytes(), spec.limits().cpuShares(), spec.privileged(),
                        lower.toString(), hostname, bridge != null);
                StateFile state = new StateFile(layout.state());
                Map<String, String> stored = RuncContainer.entries(containerSettings, spec.properties());
                state.write(stored);
                RuncContainer container = new RuncContainer(this, handle, layout, state, stored);
                container.markRootfsMounted();
                containers.put(handle, container);
                return container;
            } catch (IOException | RuntimeException e) {
                if (bridge != null) {
                    try {
                        bridge.tearDown(handle);
                    } catch (RuntimeException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                removeContainerFiles(layout, e);
                throw e instanceof RuntimeOperationException r ? r : new RuntimeOperationException(
                        "cannot create container " + handle + " on worker " + info().name() + ": " + e.getMessage(), e);
            }
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public Optional<Container> findContainer(String handle) {
        return findRuncContainer(handle).map(Container.class::cast);
    }

    Optional<RuncContainer> findRuncContainer(String handle) {
        if (handle == null || !Names.isHandle(handle)) {
            return Optional.empty();
        }
        return Optional.ofNullable(containers.computeIfAbsent(handle, h -> {
            ContainerLayout layout = new ContainerLayout(containersDir.resolve(h));
            StateFile state = new StateFile(layout.state());
            return state.read().map(stored -> new RuncContainer(this, h, layout, state, stored)).orElse(null);
        }));
    }

    @Override
    public List<Container> containers() {
        List<Container> result = new ArrayList<>();
        for (String handle : Names.list(containersDir)) {
            findContainer(handle).ifPresent(result::add);
        }
        return result;
    }

    /**
     * Mounts the container's root file system again if it is not (after a reboot, say): looked up
     * in the mount table once per container object, not per process (nothing but destroying the
     * container unmounts a live container's root file system).
     */
    void ensureMounted(RuncContainer container) {
        if (container.rootfsMounted()) {
            return;
        }
        ContainerLayout layout = container.layout();
        if (!mounts.isMounted(layout.rootfs())) {
            mounts.overlay(Path.of(container.settings().lowerLayer()), layout.upper(), layout.work(), layout.rootfs());
        }
        container.markRootfsMounted();
    }

    RuncProcess start(RuncContainer container, ProcessSpec spec, ProcessIO io) {
        gcLock.readLock().lock();
        try {
            return starter.start(container, spec, io);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /** Removes the bridge, its rules and every container's network (uninstalling; tests). */
    public void removeNetwork() {
        if (bridge != null) {
            bridge.destroy();
        }
    }

    /**
     * Sends signals to the process of that directory through {@code runc kill}; a SIGTERM first
     * waits for its init to be ready for it ({@link ProcessLauncher#awaitInit}).
     */
    Consumer<ProcessSignal> signaller(ProcessDirectory directory) {
        return signal -> directory.read("runc-id").ifPresent(id -> {
            if (signal == ProcessSignal.TERMINATE) {
                ProcessLauncher.awaitInit(directory);
            }
            commands.tryRun(List.of(settings.runc(), "--root", runcRoot.toString(), "kill", id,
                    signal == ProcessSignal.KILL ? "KILL" : "TERM"));
        });
    }

    void destroy(RuncContainer container) {
        gcLock.readLock().lock();
        try {
            containers.remove(container.handle(), container);
            container.signalAll(ProcessSignal.KILL);
            awaitProcesses(container);
            if (container.settings().networked() && bridge != null) {
                bridge.tearDown(container.handle());
            }
            removeContainerFiles(container.layout(), null);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    private void awaitProcesses(RuncContainer container) {
        for (RuncProcess process : container.followed()) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ProcessDetachedException e) {
                // Detached meanwhile: its supervisor is waited for below, as for any process.
            }
        }
        // A supervisor that wrote the exit status has nothing left to do with the container's files
        // (it may still be exiting: closing its inotify descriptor takes milliseconds); only one
        // without an exit status may still run runc, so only those are waited for.
        for (ProcessDirectory directory : container.processDirectories()) {
            if (directory.exitStatus().isPresent()) {
                continue;
            }
            directory.supervisor().ifPresent(supervisor -> {
                try {
                    supervisor.onExit().get(DESTROY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    directory.read("runc-id").ifPresent(id -> commands.tryRun(List.of(settings.runc(), "--root",
                            runcRoot.toString(), "delete", "--force", id)));
                }
            });
        }
    }

    private void removeContainerFiles(ContainerLayout layout, Exception failure) {
        try {
            mounts.unmount(layout.rootfs());
            Trees.delete(layout.directory());
        } catch (IOException | RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                throw new RuntimeOperationException("cannot remove the files of container "
                        + layout.directory().getFileName() + " (" + layout.directory() + "): " + e.getMessage(), e);
            }
        }
    }

    /**
     * Removes the cgroups of finished processes, and this runtime's parent cgroups if nothing is
     * left in them, so a closed runtime leaves no empty cgroups behind.
     */
    public void releaseCgroups() {
        gcLock.writeLock().lock();
        try {
            java.util.Set<String> live = new java.util.HashSet<>();
            for (String handle : Names.list(containersDir)) {
                findRuncContainer(handle).ifPresent(c -> c.processDirectories().forEach(d -> {
                    if (d.exitStatus().isEmpty()) {
                        d.read("runc-id").ifPresent(live::add);
                    }
                }));
            }
            cgroups.collect(live);
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /** Detaches from the output of every followed process (the runtime closes). */
    public void detachAll() {
        containers.values().forEach(RuncContainer::detachProcesses);
    }

    // ---- volumes -------------------------------------------------------------------------------

    /** Creates an empty volume or a child of a parent, copy-on-write where it can ({@link VolumeStore}). */
    @Override
    public Volume createVolume(VolumeSpec spec) {
        String handle = Names.handleFor(spec.handle(), "volume");
        gcLock.readLock().lock();
        try {
            RuncVolume parent = null;
            if (spec.parent() != null) {
                parent = runcVolume(spec.parent()).orElseThrow(() -> new RuntimeOperationException("cannot create "
                        + "volume " + handle + " as a copy of " + spec.parent().handle() + ": that is not a volume of "
                        + "worker " + info().name()));
            }
            return volumeStore.create(handle, spec, parent);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public Optional<Volume> findVolume(String handle) {
        return volumeStore.find(handle).map(Volume.class::cast);
    }

    @Override
    public List<Volume> volumes() {
        return new ArrayList<>(volumeStore.list());
    }

    Optional<RuncVolume> runcVolume(Volume volume) {
        if (!volume.workerName().equals(info().name())) {
            return Optional.empty();
        }
        return volumeStore.find(volume.handle());
    }

    void destroy(RuncVolume volume) {
        gcLock.readLock().lock();
        try {
            volumeStore.destroy(volume);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /**
     * Whether a process that has not ended runs in a container that mounts that volume read-write
     * (so its content may still change under a child made of it).
     */
    boolean mountedReadWriteByRunningProcess(String volumeHandle) {
        for (String handle : Names.list(containersDir)) {
            Optional<RuncContainer> container = findRuncContainer(handle);
            if (container.isPresent()
                    && container.get().settings().mounts().stream()
                            .anyMatch(m -> volumeHandle.equals(m.volume()) && !m.readOnly())
                    && container.get().processDirectories().stream().anyMatch(d -> d.exitStatus().isEmpty())) {
                return true;
            }
        }
        return false;
    }

    // ---- garbage collection --------------------------------------------------------------------

    /**
     * Removes what no container or volume owns: runc containers of missing containers or of
     * finished processes, overlay mounts and directories of containers without a state file (a
     * crash while creating or destroying), overlay mounts under {@code volumes/} no live volume
     * owns, volume directories without a state file, destroyed volumes whose layers no volume uses
     * any more, image copies no container uses, and empty cgroups of runc containers that are gone.
     */
    public int collectGarbageNow() {
        gcLock.writeLock().lock();
        try {
            return new GarbageCollector(this).collect().total();
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    Path containersDir() {
        return containersDir;
    }

    Path volumesDir() {
        return volumesDir;
    }

    Path runcRoot() {
        return runcRoot;
    }

    Images images() {
        return images;
    }

    Mounts mounts() {
        return mounts;
    }

    VolumeStore volumeStore() {
        return volumeStore;
    }

    BridgeNetwork bridge() {
        return bridge;
    }

    Cgroups cgroups() {
        return cgroups;
    }

    Commands commands() {
        return commands;
    }

    String runc() {
        return settings.runc();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Path imageRootfs(ContainerImage image, String handle) {
        if (image.volume() != null) {
            RuncVolume volume = runcVolume(image.volume()).orElseThrow(() -> new RuntimeOperationException(
                    "cannot create container " + handle + ": image volume " + image.volume().handle()
                            + " is not a volume of worker " + info().name()));
            Path rootfs = volume.data().resolve("rootfs");
            if (!Files.isDirectory(rootfs)) {
                throw new RuntimeOperationException("cannot create container " + handle + ": image volume "
                        + volume.handle() + " has no rootfs/ directory (an image resource must produce rootfs/ and "
                        + "metadata.json)");
            }
            return rootfs;
        }
        if (image.rootfsUri() != null) {
            String uri = image.rootfsUri();
            try {
                URI parsed = new URI(uri);
                if (!"raw".equals(parsed.getScheme()) || parsed.getPath() == null || parsed.getPath().isEmpty()) {
                    throw new RuntimeOperationException("cannot create container " + handle + " with image " + uri
                            + ": the runc runtime takes raw:///absolute/path images; it pulls nothing from "
                            + "registries (use an image_resource whose type fetches the image, or local-image)");
                }
                Path rootfs = Path.of(parsed.getPath());
                if (!Files.isDirectory(rootfs)) {
                    throw new RuntimeOperationException("cannot create container " + handle + " with image " + uri
                            + ": directory " + rootfs + " does not exist on worker " + info().name());
                }
                return rootfs;
            } catch (URISyntaxException e) {
                throw new RuntimeOperationException("cannot create container " + handle + ": invalid image URI '"
                        + uri + "': " + e.getMessage(), e);
            }
        }
        throw new RuntimeOperationException("cannot create container " + handle + " on worker " + info().name()
                + ": the runc runtime needs an image (a raw:///path rootfs or an image volume)");
    }

    void claim(Path directory, String kind, String handle) {
        try {
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeOperationException(kind + " " + handle + " already exists on worker " + info().name()
                    + "; choose another handle or destroy it first", e);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot create " + kind + " " + handle + " on worker " + info().name()
                    + ": " + e.getMessage(), e);
        }
    }

}
