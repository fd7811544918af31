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
import java.util.Map;

/**
 * A directory of the worker, {@code volumes/<handle>/data}, bind-mounted into containers. An
 * unprivileged volume's files belong to the unprivileged range (what is streamed in is shifted
 * there), so container root can write them; a privileged one's stay the host's.
 */
final class RuncVolume implements Volume {
    static final String PRIVILEGED = "privileged";
    static final String PARENT = "parent";
    private static final String PROPERTY = "property.";

    private final RuncWorker worker;
    private final String handle;
    private final Path directory;
    private final StateFile state;
    private final boolean privileged;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private volatile boolean destroyed;

    RuncVolume(RuncWorker worker, String handle, Path directory, StateFile state, Map<String, String> stored) {
        this.worker = worker;
        this.handle = handle;
        this.directory = directory;
        this.state = state;
        this.privileged = Boolean.parseBoolean(stored.get(PRIVILEGED));
        stored.forEach((k, v) -> {
            if (k.startsWith(PROPERTY)) {
                properties.put(k.substring(PROPERTY.length()), v);
            }
        });
    }

    static Map<String, String> entries(boolean privileged, String parent, Map<String, String> properties) {
        Map<String, String> stored = new LinkedHashMap<>();
        stored.put(PRIVILEGED, Boolean.toString(privileged));
        if (parent != null) {
            stored.put(PARENT, parent);
        }
        properties.forEach((k, v) -> stored.put(PROPERTY + k, v));
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

    @Override
    public String path() {
        return data().toString();
    }

    Path data() {
        return directory.resolve("data");
    }

    boolean privileged() {
        return privileged;
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
        Map<String, String> stored = new LinkedHashMap<>(state.read().orElseGet(Map::of));
        stored.keySet().removeIf(k -> k.startsWith(PROPERTY));
        properties.forEach((k, v) -> stored.put(PROPERTY + k, v));
        state.write(stored);
    }

    @Override
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        state.delete();
        worker.forget(this);
        try {
            Trees.delete(directory);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot delete the directory of volume " + handle + " (" + directory
                    + "): " + e.getMessage(), e);
        }
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
