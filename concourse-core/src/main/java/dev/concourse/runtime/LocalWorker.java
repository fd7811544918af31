package dev.concourse.runtime;

import dev.concourse.WorkerInfo;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one worker of a {@link LocalProcessRuntime}. Layout of its base directory:
 * {@code containers/<handle>/} and {@code volumes/<handle>/} hold the content,
 * {@code state/containers/<handle>.properties} and {@code state/volumes/<handle>.properties}
 * what is known about each (kept apart so no process can see or clobber it).
 */
final class LocalWorker implements Worker {
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String STATE_SUFFIX = ".properties";
    private static final String VOLUME_IMAGE = "volume:";

    private final WorkerInfo info;
    private final HostEnvironment environment;
    private final Duration outputDrainTimeout;
    private final Path containersDir;
    private final Path volumesDir;
    private final Path containerStateDir;
    private final Path volumeStateDir;
    private final ConcurrentHashMap<String, LocalContainer> containers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LocalVolume> volumes = new ConcurrentHashMap<>();

    LocalWorker(WorkerInfo info, HostEnvironment environment, Duration outputDrainTimeout, Path baseDirectory) {
        this.info = info;
        this.environment = environment;
        this.outputDrainTimeout = outputDrainTimeout;
        this.containersDir = baseDirectory.resolve("containers");
        this.volumesDir = baseDirectory.resolve("volumes");
        this.containerStateDir = baseDirectory.resolve("state").resolve("containers");
        this.volumeStateDir = baseDirectory.resolve("state").resolve("volumes");
        try {
            for (Path dir : List.of(containersDir, volumesDir, containerStateDir, volumeStateDir)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot set up the local runtime's directory " + baseDirectory + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public WorkerInfo info() {
        return info;
    }

    HostEnvironment environment() {
        return environment;
    }

    Duration outputDrainTimeout() {
        return outputDrainTimeout;
    }

    @Override
    public Container createContainer(ContainerSpec spec) {
        String handle = handleFor(spec.handle(), "container");
        Map<String, String> imageEntries = checkImage(spec.image(), handle);
        Path directory = containersDir.resolve(handle);
        StateFile state = new StateFile(containerStateDir.resolve(handle + STATE_SUFFIX));
        claim(directory, state, "container", handle);
        try {
            LocalContainer container = LocalContainer.create(this, handle, directory, state, spec, imageEntries);
            containers.put(handle, container);
            return container;
        } catch (RuntimeException e) {
            undo(directory, state, e);
            throw e;
        }
    }

    @Override
    public Optional<Container> findContainer(String handle) {
        return findLocalContainer(handle).map(Container.class::cast);
    }

    private Optional<LocalContainer> findLocalContainer(String handle) {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(containers.computeIfAbsent(handle, h -> LocalContainer.load(this, h,
                containersDir.resolve(h), new StateFile(containerStateDir.resolve(h + STATE_SUFFIX))).orElse(null)));
    }

    @Override
    public List<Container> containers() {
        List<Container> result = new ArrayList<>();
        for (String handle : storedHandles(containerStateDir)) {
            findContainer(handle).ifPresent(result::add);
        }
        return result;
    }

    @Override
    public Volume createVolume(VolumeSpec spec) {
        String handle = handleFor(spec.handle(), "volume");
        LocalVolume parent = null;
        if (spec.parent() != null) {
            parent = localVolume(spec.parent()).orElseThrow(() -> new RuntimeOperationException("cannot create volume "
                    + handle + " as a copy of " + spec.parent().handle() + ": that is not a volume of worker "
                    + info.name() + " (it is on " + spec.parent().workerName() + ")"));
        }
        Path directory = volumesDir.resolve(handle);
        StateFile state = new StateFile(volumeStateDir.resolve(handle + STATE_SUFFIX));
        claim(directory, state, "volume", handle);
        try {
            Map<String, String> entries = new LinkedHashMap<>();
            entries.put("privileged", Boolean.toString(spec.privileged()));
            if (parent != null) {
                entries.put("parent", parent.handle());
                FileTrees.copy(parent.directory(), directory);
            }
            LocalVolume volume = LocalVolume.create(this, handle, directory, state, entries, spec.properties());
            volumes.put(handle, volume);
            return volume;
        } catch (IOException e) {
            undo(directory, state, e);
            throw new RuntimeOperationException("cannot create volume " + handle + " as a copy of "
                    + spec.parent().handle() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            undo(directory, state, e);
            throw e;
        }
    }

    @Override
    public Optional<Volume> findVolume(String handle) {
        return findLocalVolume(handle).map(Volume.class::cast);
    }

    private Optional<LocalVolume> findLocalVolume(String handle) {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(volumes.computeIfAbsent(handle, h -> LocalVolume.load(this, h,
                volumesDir.resolve(h), new StateFile(volumeStateDir.resolve(h + STATE_SUFFIX))).orElse(null)));
    }

    @Override
    public List<Volume> volumes() {
        List<Volume> result = new ArrayList<>();
        for (String handle : storedHandles(volumeStateDir)) {
            findVolume(handle).ifPresent(result::add);
        }
        return result;
    }

    /** The volume of this worker behind {@code volume}, found by handle. */
    Optional<LocalVolume> localVolume(Volume volume) {
        if (!volume.workerName().equals(info.name())) {
            return Optional.empty();
        }
        return findLocalVolume(volume.handle());
    }

    void forget(LocalContainer container) {
        containers.remove(container.handle(), container);
    }

    void forget(LocalVolume volume) {
        volumes.remove(volume.handle(), volume);
    }

    /** Kills the processes started through this worker (they could never be re-attached). */
    void killProcesses() {
        containers.values().forEach(LocalContainer::killProcesses);
    }

    private static String handleFor(String requested, String kind) {
        if (requested == null) {
            return UUID.randomUUID().toString();
        }
        if (!HANDLE.matcher(requested).matches()) {
            throw new RuntimeOperationException("invalid " + kind + " handle '" + requested + "': use 1 to 128 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        return requested;
    }

    private void claim(Path directory, StateFile state, String kind, String handle) {
        try {
            if (state.exists()) {
                throw new FileAlreadyExistsException(state.path().toString());
            }
            Files.createDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeOperationException(kind + " " + handle + " already exists on worker " + info.name()
                    + "; choose another handle or destroy it first", e);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot create " + kind + " " + handle + " on worker " + info.name()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void undo(Path directory, StateFile state, Exception failure) {
        try {
            state.delete();
            FileTrees.delete(directory);
        } catch (IOException | RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /**
     * The local runtime runs processes on the host whatever the image says; a {@code raw://}
     * directory is checked so a typo is reported here rather than ignored.
     */
    private Map<String, String> checkImage(ContainerImage image, String handle) {
        if (image.rootfsUri() != null) {
            String uri = image.rootfsUri();
            try {
                URI parsed = new URI(uri);
                if (!"raw".equals(parsed.getScheme()) || parsed.getPath() == null || parsed.getPath().isEmpty()) {
                    throw new RuntimeOperationException("cannot create container " + handle + " with image " + uri
                            + ": the local runtime accepts only raw:///absolute/path images (and runs processes on"
                            + " the host whatever the image)");
                }
                Path rootfs = Path.of(parsed.getPath());
                if (!Files.isDirectory(rootfs)) {
                    throw new RuntimeOperationException("cannot create container " + handle + " with image " + uri
                            + ": directory " + rootfs + " does not exist on worker " + info.name());
                }
            } catch (URISyntaxException | InvalidPathException e) {
                throw new RuntimeOperationException("cannot create container " + handle + ": invalid image URI '"
                        + uri + "': " + e.getMessage(), e);
            }
            return Map.of(LocalContainer.IMAGE, uri);
        }
        if (image.volume() != null) {
            return Map.of(LocalContainer.IMAGE, VOLUME_IMAGE + image.volume().handle());
        }
        return Map.of();
    }

    /**
     * The root file system of a container's image (as {@link #checkImage} stored it) on the host:
     * a {@code raw://} directory, or {@code rootfs/} of an image volume of this worker; empty for
     * no image, a volume without {@code rootfs/}, or one that is gone.
     */
    Optional<Path> imageRootfs(String image) {
        if (image == null) {
            return Optional.empty();
        }
        if (image.startsWith(VOLUME_IMAGE)) {
            return findLocalVolume(image.substring(VOLUME_IMAGE.length()))
                    .map(v -> v.directory().resolve("rootfs"))
                    .filter(Files::isDirectory);
        }
        try {
            return Optional.of(Path.of(new URI(image).getPath())).filter(Files::isDirectory);
        } catch (URISyntaxException | InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static List<String> storedHandles(Path stateDir) {
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(STATE_SUFFIX))
                    .map(n -> n.substring(0, n.length() - STATE_SUFFIX.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot list " + stateDir + ": " + e.getMessage(), e);
        }
    }
}
