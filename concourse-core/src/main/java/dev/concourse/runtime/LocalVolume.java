package dev.concourse.runtime;

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
import java.util.Optional;

/** A directory on the host; children are real copies of their parent. */
final class LocalVolume implements Volume {
    private static final String PROPERTY = "property.";

    private final LocalWorker worker;
    private final String handle;
    private final Path directory;
    private final StateFile state;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private volatile boolean destroyed;

    private LocalVolume(LocalWorker worker, String handle, Path directory, StateFile state,
            Map<String, String> stored) {
        this.worker = worker;
        this.handle = handle;
        this.directory = directory;
        this.state = state;
        stored.forEach((k, v) -> {
            if (k.startsWith(PROPERTY)) {
                properties.put(k.substring(PROPERTY.length()), v);
            }
        });
    }

    /** Records a volume whose directory has just been created (and filled, for a child). */
    static LocalVolume create(LocalWorker worker, String handle, Path directory, StateFile state,
            Map<String, String> entries, Map<String, String> properties) {
        Map<String, String> stored = new LinkedHashMap<>(entries);
        properties.forEach((k, v) -> stored.put(PROPERTY + k, v));
        state.write(stored);
        return new LocalVolume(worker, handle, directory, state, stored);
    }

    static Optional<LocalVolume> load(LocalWorker worker, String handle, Path directory, StateFile state) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        return state.read().map(stored -> new LocalVolume(worker, handle, directory, state, stored));
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
        return directory.toString();
    }

    Path directory() {
        return directory;
    }

    @Override
    public void streamIn(String path, InputStream tar) {
        checkNotDestroyed();
        Path target = inside(path, "stream into");
        Tar.extract(tar, target);
    }

    @Override
    public InputStream streamOut(String path) {
        checkNotDestroyed();
        Path source = inside(path, "stream out");
        if (!Files.exists(source)) {
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
            FileTrees.delete(directory);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot delete the directory of volume " + handle + " ("
                    + directory + "): " + e.getMessage(), e);
        }
    }

    /**
     * {@code path} (relative, {@code .} for the root) inside the volume; refused if it is absolute,
     * climbs out with {@code ..}, or leads out through a symbolic link.
     */
    private Path inside(String path, String operation) {
        String relative = path == null || path.isEmpty() ? "." : path;
        if (relative.startsWith("/")) {
            throw new RuntimeOperationException("cannot " + operation + " '" + path + "' of volume " + handle
                    + ": paths in a volume are relative ('.' for its root)");
        }
        Path resolved = directory.resolve(relative).normalize();
        if (!resolved.startsWith(directory)) {
            throw new RuntimeOperationException("cannot " + operation + " '" + path + "' of volume " + handle
                    + ": it is outside the volume");
        }
        try {
            Path existing = resolved;
            while (!Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (!existing.toRealPath().startsWith(directory.toRealPath())) {
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
