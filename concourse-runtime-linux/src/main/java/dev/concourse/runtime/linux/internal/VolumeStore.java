package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.VolumeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes of a worker under {@code volumes/}: creating them (empty, or children of a parent),
 * finding them (mounting a layered one again after a reboot), destroying them and collecting
 * their garbage.
 *
 * <p>A child is copy-on-write, as with Concourse's overlay driver: the parent's content so far is
 * frozen into a read-only layer ({@code data/} or {@code upper/} renamed to {@code layer-<n>/}),
 * the parent becomes an overlay of its layers under a new, empty {@code upper/}, and the child an
 * overlay of the same layers under an {@code upper/} of its own. So writes to either are invisible
 * to the other, deleting a lower file in the child leaves a whiteout in its upper directory, and
 * creating a child copies nothing. Grandchildren do not stack overlays (the kernel allows only two
 * levels): a child's lower list is the flattened list of frozen directories ({@code lowerdir=a:b:c}).
 * A parent whose upper directory is still empty is not frozen again, so many children of one
 * finished artifact share its one layer.
 *
 * <p>A child is a plain copy instead ({@code cp -a} of the parent's view) when an unprivileged
 * child of a privileged parent needs its files given to the unprivileged range, when a running
 * process has the parent mounted read-write (its writes would land in the frozen layer), or when
 * the lower list would not fit in the overlay's mount options.
 *
 * <p>Destroying a volume whose frozen layers other volumes still use (its children) removes its
 * mount, upper and work directories at once and hides it ({@code destroyed=true} in its state); its
 * layers are deleted when the last volume using them is destroyed, or by the garbage collector.
 * Layer changes, child creation and destruction take one lock; the worker's garbage-collection
 * lock is held around them as well.
 */
final class VolumeStore {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeStore.class);
    /** Searchable by the unprivileged range, which runc's bind mounts need, but not listable. */
    private static final int SEARCH_ONLY = 0711;

    private final RuncWorker worker;
    private final Path volumesDir;
    private final Mounts mounts;
    private final Commands commands;
    private final IdMap idMap;
    private final ConcurrentHashMap<String, RuncVolume> volumes = new ConcurrentHashMap<>();
    /** Guards layers: freezing a parent, making a child, loading, destroying, collecting. */
    private final Object layers = new Object();

    VolumeStore(RuncWorker worker, Path volumesDir, Mounts mounts, Commands commands, IdMap idMap) {
        this.worker = worker;
        this.volumesDir = volumesDir;
        this.mounts = mounts;
        this.commands = commands;
        this.idMap = idMap;
    }

    /** What one collection removed. */
    record Garbage(int mounts, int volumes) {
    }

    // ---- creating ----------------------------------------------------------------------------

    RuncVolume create(String handle, VolumeSpec spec, RuncVolume parent) {
        VolumeLayout layout = new VolumeLayout(volumesDir.resolve(handle));
        if (new StateFile(layout.state()).read().map(s -> s.containsKey(RuncVolume.DESTROYED)).orElse(false)) {
            throw new RuntimeOperationException("volume " + handle + " on worker " + worker.info().name() + " was "
                    + "destroyed, but its layers stay until its children are destroyed; choose another handle");
        }
        worker.claim(layout.directory(), "volume", handle);
        try {
            Posix.chmod(layout.directory().toString(), SEARCH_ONLY);
            if (parent == null) {
                Files.createDirectory(layout.data());
                if (!spec.privileged()) {
                    Trees.shiftOne(layout.data(), idMap);
                }
                return register(layout, spec, null, List.of());
            }
            synchronized (layers) {
                if (parent.destroyed()) {
                    throw new RuntimeOperationException("cannot create volume " + handle + " as a child of volume "
                            + parent.handle() + ": that volume has been destroyed");
                }
                List<String> lowers = copyReason(parent, layout, spec.privileged())
                        .map(reason -> {
                            LOG.debug("volume {} is a copy of {}, not copy-on-write: {}", handle, parent.handle(),
                                    reason);
                            return List.<String>of();
                        })
                        .orElseGet(() -> freeze(parent));
                if (lowers.isEmpty()) {
                    copy(parent, layout, spec.privileged());
                } else {
                    prepareUpper(layout, parent.data());
                    if (!spec.privileged()) {
                        Trees.shiftOne(layout.upper(), idMap);
                    }
                    mounts.overlay(paths(lowers), layout.upper(), layout.work(), layout.data());
                }
                return register(layout, spec, parent.handle(), lowers);
            }
        } catch (IOException | RuntimeException e) {
            try {
                mounts.unmount(layout.data());
                Trees.delete(layout.directory());
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e instanceof RuntimeOperationException r ? r : new RuntimeOperationException(
                    "cannot create volume " + handle + " on worker " + worker.info().name() + ": " + e.getMessage(), e);
        }
    }

    private RuncVolume register(VolumeLayout layout, VolumeSpec spec, String parent, List<String> lowers) {
        StateFile state = new StateFile(layout.state());
        Map<String, String> stored = RuncVolume.entries(spec.privileged(), parent, lowers, spec.properties());
        state.write(stored);
        RuncVolume volume = new RuncVolume(worker, layout.handle(), layout, state, stored);
        volumes.put(layout.handle(), volume);
        return volume;
    }

    /** Why a child of {@code parent} must be a copy, or empty if it can be an overlay. */
    private Optional<String> copyReason(RuncVolume parent, VolumeLayout child, boolean privileged) {
        if (!privileged && parent.privileged()) {
            return Optional.of("the parent is privileged, so its files must be given to the unprivileged range");
        }
        if (worker.mountedReadWriteByRunningProcess(parent.handle())) {
            return Optional.of("a running process has the parent mounted read-write");
        }
        List<Path> lowers = new ArrayList<>();
        VolumeLayout p = parent.layout();
        lowers.add(volumesDir.resolve(p.layerName(nextLayer(p))));
        lowers.addAll(paths(parent.lowers()));
        int longest = Math.max(Mounts.overlayOptions(lowers, child.upper(), child.work()).length(),
                Mounts.overlayOptions(lowers, p.upper(), p.work()).length());
        if (longest > Mounts.MAX_OPTIONS) {
            return Optional.of(lowers.size() + " layers would not fit in the overlay's mount options");
        }
        return Optional.empty();
    }

    /**
     * Freezes what {@code parent} holds into a read-only layer, unless nothing was written to it
     * since the last freeze, and returns its lower layers, top first. The state is written first,
     * so {@link #mount} can finish a freeze a crash interrupted.
     */
    private List<String> freeze(RuncVolume parent) {
        VolumeLayout p = parent.layout();
        try {
            if (parent.layered() && isEmpty(p.upper())) {
                return parent.lowers();
            }
            String layer = p.layerName(nextLayer(p));
            List<String> lowers = new ArrayList<>();
            lowers.add(layer);
            lowers.addAll(parent.lowers());
            mounts.unmount(p.data());
            Path frozen = parent.layered() ? p.upper() : p.data();
            parent.lowers(lowers);
            Files.move(frozen, volumesDir.resolve(layer));
            Trees.delete(p.work());
            mount(parent);
            return lowers;
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot freeze the content of volume " + parent.handle()
                    + " into a layer for its child: " + e.getMessage(), e);
        }
    }

    private void copy(RuncVolume parent, VolumeLayout child, boolean privileged) throws IOException {
        commands.run("cannot copy volume " + parent.handle() + " into " + child.handle(),
                List.of("cp", "-a", parent.data().toString(), child.data().toString()));
        if (!privileged) {
            if (parent.privileged()) {
                Trees.shiftOwners(child.data(), idMap);
            } else {
                Trees.shiftOne(child.data(), idMap);
            }
        }
    }

    /** Makes missing upper, work and data directories; a new upper root looks like {@code like}'s root. */
    private void prepareUpper(VolumeLayout layout, Path like) throws IOException {
        if (!Files.isDirectory(layout.upper(), LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(layout.upper());
            int[] stat = Posix.lstat(like.toString());
            Posix.lchown(layout.upper().toString(), stat[0], stat[1]);
            Posix.chmod(layout.upper().toString(), stat[2] & 07777);
        }
        Files.createDirectories(layout.work());
        Files.createDirectories(layout.data());
    }

    /**
     * Mounts a layered volume's overlay if it is not mounted (a new one, after a freeze, after a
     * reboot), finishing a freeze a crash interrupted (its newest layer missing).
     */
    private void mount(RuncVolume volume) throws IOException {
        VolumeLayout layout = volume.layout();
        if (!volume.layered() || mounts.isMounted(layout.data())) {
            return;
        }
        String top = volume.lowers().getFirst();
        Path topDir = volumesDir.resolve(top);
        if (top.startsWith(layout.handle() + "/") && !Files.exists(topDir, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(Files.isDirectory(layout.upper()) ? layout.upper() : layout.data(), topDir);
        }
        prepareUpper(layout, topDir);
        mounts.overlay(paths(volume.lowers()), layout.upper(), layout.work(), layout.data());
    }

    private List<Path> paths(List<String> lowers) {
        return lowers.stream().map(volumesDir::resolve).toList();
    }

    private static int nextLayer(VolumeLayout layout) {
        int next = 1;
        while (Files.exists(layout.directory().resolve(VolumeLayout.LAYER_PREFIX + next), LinkOption.NOFOLLOW_LINKS)) {
            next++;
        }
        return next;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    // ---- finding -----------------------------------------------------------------------------

    Optional<RuncVolume> find(String handle) {
        if (handle == null || !Names.isHandle(handle)) {
            return Optional.empty();
        }
        RuncVolume cached = volumes.get(handle);
        if (cached != null) {
            return Optional.of(cached);
        }
        synchronized (layers) {
            VolumeLayout layout = new VolumeLayout(volumesDir.resolve(handle));
            StateFile state = new StateFile(layout.state());
            Optional<Map<String, String>> stored = state.read();
            if (stored.isEmpty() || stored.get().containsKey(RuncVolume.DESTROYED)) {
                return Optional.empty();
            }
            RuncVolume loaded = new RuncVolume(worker, handle, layout, state, stored.get());
            try {
                mount(loaded);
            } catch (IOException | RuntimeException e) {
                throw new RuntimeOperationException("cannot mount the layers of volume " + handle + " on worker "
                        + worker.info().name() + ": " + e.getMessage(), e);
            }
            RuncVolume raced = volumes.putIfAbsent(handle, loaded);
            return Optional.of(raced != null ? raced : loaded);
        }
    }

    List<RuncVolume> list() {
        List<RuncVolume> result = new ArrayList<>();
        for (String handle : Names.list(volumesDir)) {
            find(handle).ifPresent(result::add);
        }
        return result;
    }

    // ---- destroying --------------------------------------------------------------------------

    void destroy(RuncVolume volume) {
        VolumeLayout layout = volume.layout();
        synchronized (layers) {
            volumes.remove(volume.handle(), volume);
            try {
                mounts.unmount(layout.data());
                List<String> users = usersOf(volume.handle());
                if (users.isEmpty()) {
                    volume.state().delete();
                    Trees.delete(layout.directory());
                } else {
                    Map<String, String> stored = new LinkedHashMap<>(volume.state().read().orElseGet(Map::of));
                    stored.put(RuncVolume.DESTROYED, "true");
                    volume.state().write(stored);
                    for (Path dir : List.of(layout.upper(), layout.work(), layout.data())) {
                        Trees.delete(dir);
                    }
                    LOG.debug("volume {} is destroyed; its layers stay until volumes {} are destroyed",
                            volume.handle(), users);
                }
            } catch (IOException e) {
                throw new RuntimeOperationException("cannot delete the directory of volume " + volume.handle() + " ("
                        + layout.directory() + "): " + e.getMessage(), e);
            }
            for (String ancestor : ancestors(volume)) {
                try {
                    removeIfUnused(ancestor);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot remove the layers of destroyed volume {} (garbage collection tries again): {}",
                            ancestor, e.getMessage());
                }
            }
        }
    }

    /** The other volumes whose layers {@code volume} is made of. */
    private static Set<String> ancestors(RuncVolume volume) {
        Set<String> handles = new LinkedHashSet<>();
        for (String lower : volume.lowers()) {
            handles.add(lower.substring(0, lower.indexOf('/')));
        }
        handles.remove(volume.handle());
        return handles;
    }

    /** The volumes, not destroyed, that have a layer of {@code handle} among their lower layers. */
    private List<String> usersOf(String handle) {
        String prefix = handle + "/";
        List<String> users = new ArrayList<>();
        for (String other : Names.list(volumesDir)) {
            if (other.equals(handle)) {
                continue;
            }
            Optional<Map<String, String>> stored = new StateFile(volumesDir.resolve(other).resolve("state.properties"))
                    .read();
            if (stored.isPresent() && !stored.get().containsKey(RuncVolume.DESTROYED)
                    && RuncVolume.lowers(stored.get()).stream().anyMatch(l -> l.startsWith(prefix))) {
                users.add(other);
            }
        }
        return users;
    }

    /** Removes a destroyed volume's layers if no volume uses them any more; whether it did. */
    private boolean removeIfUnused(String handle) throws IOException {
        VolumeLayout layout = new VolumeLayout(volumesDir.resolve(handle));
        Optional<Map<String, String>> stored = new StateFile(layout.state()).read();
        if (stored.isEmpty() || !stored.get().containsKey(RuncVolume.DESTROYED) || !usersOf(handle).isEmpty()) {
            return false;
        }
        mounts.unmount(layout.data());
        Files.deleteIfExists(layout.state());
        Trees.delete(layout.directory());
        return true;
    }

    // ---- garbage -----------------------------------------------------------------------------

    /**
     * Unmounts overlays under {@code volumes/} that no live layered volume owns, and removes volume
     * directories without a state file (a crash while creating or destroying) and destroyed
     * volumes whose layers no volume uses any more.
     */
    Garbage collect() {
        synchronized (layers) {
            int unmounted = 0;
            String prefix = volumesDir.toAbsolutePath().normalize() + "/";
            for (String point : Mounts.mountPoints().reversed()) {
                if (!point.startsWith(prefix)) {
                    continue;
                }
                String handle = point.substring(prefix.length()).split("/")[0];
                if (!ownsMount(handle, point, prefix)) {
                    try {
                        mounts.unmount(Path.of(point));
                        unmounted++;
                    } catch (RuntimeException e) {
                        LOG.warn("garbage collection: cannot unmount {}: {}", point, e.getMessage());
                    }
                }
            }
            int removed = 0;
            for (String handle : Names.list(volumesDir)) {
                Path directory = volumesDir.resolve(handle);
                try {
                    if (!Files.exists(directory.resolve("state.properties"))) {
                        mounts.unmount(directory.resolve("data"));
                        Trees.delete(directory);
                        removed++;
                    } else if (removeIfUnused(handle)) {
                        removed++;
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("garbage collection: cannot remove volume directory {}: {}", directory, e.getMessage());
                }
            }
            return new Garbage(unmounted, removed);
        }
    }

    private boolean ownsMount(String handle, String point, String prefix) {
        if (!point.equals(prefix + handle + "/data")) {
            return false;
        }
        try {
            Optional<Map<String, String>> stored = new StateFile(volumesDir.resolve(handle).resolve("state.properties"))
                    .read();
            return stored.isPresent() && !stored.get().containsKey(RuncVolume.DESTROYED)
                    && !RuncVolume.lowers(stored.get()).isEmpty();
        } catch (RuntimeException e) {
            return true;
        }
    }
}
