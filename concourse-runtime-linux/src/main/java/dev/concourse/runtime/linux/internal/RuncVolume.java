package dev.concourse.runtime.linux.internal;

import dev.concourse.internal.runtime.tar.Tar;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory of the worker, {@code volumes/<handle>/data}, bind-mounted into containers: a plain
 * directory, or, once it is layered ({@link VolumeLayout}), an overlay of read-only layers under a
 * writable one, which is how child volumes are copy-on-write ({@link VolumeStore}). An
 * unprivileged volume's files belong to the unprivileged range (what is streamed in is shifted
 * there), so container root can write them; a privileged one's stay the host's.
 */
final class RuncVolume implements Volume {
    static final String PRIVILEGED = "privileged";
    static final String PARENT = "parent";
    /** The frozen layers under its upper directory, top first, as {@code handle/layer-n} names; absent if plain. */
    static final String LOWER = "lower";
    /** Set when it was destroyed while other volumes still use its layers: it goes when they have gone. */
    static final String DESTROYED = "destroyed";

    private final RuncWorker worker;
    private final String handle;
    private final VolumeLayout layout;
    private final StateFile state;
    private final boolean privileged;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private volatile List<String> lowers;
    private volatile boolean destroyed;

    RuncVolume(RuncWorker worker, String handle, VolumeLayout layout, StateFile state, Map<String, String> stored) {
        this.worker = worker;
        this.handle = handle;
        this.layout = layout;
        this.state = state;
        this.privileged = Boolean.parseBoolean(stored.get(PRIVILEGED));
        this.lowers = lowers(stored);
        properties.putAll(StoredProperties.of(stored));
    }

    static Map<String, String> entries(boolean privileged, String parent, List<String> lowers,
            Map<String, String> properties) {
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put(PRIVILEGED, Boolean.toString(privileged));
        if (parent != null) {
            stored.put(PARENT, parent);
        }
        if (!lowers.isEmpty()) {
            stored.put(LOWER, String.join(":", lowers));
        }
        StoredProperties.addTo(stored, properties);
        return stored;
    }

    /** The lower layers a stored state names, top first; empty for a plain volume. */
    static List<String> lowers(Map<String, String> stored) {
        String lower = stored.get(LOWER);
        return lower == null || lower.isEmpty() ? List.of() : List.of(lower.split(":"));
    }

    @Override
    public String handle() {
        return handle;
    }

    @Override
    public String workerName() {
        return worker.info().name();
    }

    @Override
    public String path() {
        return data().toString();
    }

    Path data() {
        return layout.data();
    }

    VolumeLayout layout() {
        return layout;
    }

    boolean privileged() {
        return privileged;
    }

    /** Whether {@code data/} is an overlay (it has lower layers) rather than a plain directory. */
    boolean layered() {
        return !lowers.isEmpty();
    }

    /** Its lower layers, top first ({@code handle/layer-n}); empty if plain. */
    List<String> lowers() {
        return lowers;
    }

    /** Records new lower layers (after {@link VolumeStore} froze what it had). */
    synchronized void lowers(List<String> newLowers) {
        Map<String, String> stored = new LinkedHashMap<>(state.read().orElseGet(Map::of));
        stored.put(LOWER, String.join(":", newLowers));
        state.write(stored);
        this.lowers = List.copyOf(newLowers);
    }

    StateFile state() {
        return state;
    }

    @Override
    public void streamIn(String path, InputStream tar) {
        checkNotDestroyed();
        Path target = inside(path, "stream into");
        Tar.extract(tar, target);
        if (!privileged) {
            try {
                Trees.shiftOwners(target, worker.idMap());
                Path parent = target.getParent();
                while (parent != null && parent.startsWith(data()) && !parent.equals(data())) {
                    Trees.shiftOne(parent, worker.idMap());
                    parent = parent.getParent();
                }
            } catch (IOException e) {
                throw new RuntimeOperationException("cannot give the files streamed into volume " + handle
                        + " to the container's users: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public InputStream streamOut(String path) {
        checkNotDestroyed();
        Path source = inside(path, "stream out");
        if (!Files.exists(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new RuntimeOperationException("cannot stream out '" + path + "' of volume " + handle
                    + ": nothing exists there");
        }
        return Tar.streamOut(source);
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

    /**
     * Unmounts and removes it. If other volumes still use its frozen layers (its children), only
     * its writable part goes now; the layers stay, out of sight, until the last of them is destroyed.
     */
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

    boolean destroyed() {
        return destroyed;
    }

    private Path inside(String path, String operation) {
        String relative = path == null || path.isEmpty() ? "." : path;
        Path root = data();
        if (relative.startsWith("/")) {
            throw new RuntimeOperationException("cannot " + operation + " '" + path + "' of volume " + handle
                    + ": paths in a volume are relative ('.' for its root)");
        }
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root)) {
            throw new RuntimeOperationException("cannot " + operation + " '" + path + "' of volume " + handle
                    + ": it is outside the volume");
        }
        try {
            Path existing = resolved;
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (!existing.toRealPath().startsWith(root.toRealPath())) {
                throw new RuntimeOperationException("cannot " + operation + " '" + path + "' of volume " + handle
                        + ": it leads through a symbolic link to outside the volume");
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot " + operation + " '" + path + "' of volume " + handle + ": "
                    + e.getMessage(), e);
        }
        return resolved;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new RuntimeOperationException("volume " + handle + " on worker " + worker.info().name()
                    + " has been destroyed");
        }
    }
}
