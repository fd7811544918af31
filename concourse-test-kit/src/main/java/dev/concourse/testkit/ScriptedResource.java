package dev.concourse.testkit;

import dev.concourse.resource.Version;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pipeline resource as the test scripts it: the versions its checks find, a failing check, the
 * files its {@code get} steps fetch, the version its {@code put} steps create; and a record of
 * every {@code put}'s params. Every resource of a pipeline under test is scripted; one the test
 * never touches finds no versions, unless its type is one of the engine's own native types
 * ({@code mock}, {@code time}), which then runs for real (on the harness's clock).
 *
 * <p>Thread-safe.
 *
 * <pre>{@code
 * ci.resource("repo").emit(Map.of("ref", "abc123")).file("ci/task.yml", taskYaml);
 * ci.resource("repo").failCheck("authentication failed");
 * ci.resource("image").putCreates(Map.of("digest", "sha256:1"));
 * }</pre>
 */
public final class ScriptedResource {
    private final String name;
    private final List<Version> versions = new ArrayList<>();
    /** Emitted and not yet reported by a check. */
    private final List<Version> unreported = new ArrayList<>();
    private final Map<String, String> files = new LinkedHashMap<>();
    private final List<Map<String, Object>> puts = new ArrayList<>();
    private final List<Version> fetched = new ArrayList<>();
    private Path directory;
    private String checkFailure;
    private Version putVersion;
    private boolean touched;
    private int unchecked;

    ScriptedResource(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * A new version: the resource's next check finds it (the harness checks the resources with new
     * versions when it next runs the engine), newest last. Emitting a version again makes it the
     * newest once more.
     */
    public synchronized ScriptedResource emit(Map<String, String> version) {
        Version v = new Version(Objects.requireNonNull(version, "version"));
        if (v.fields().isEmpty()) {
            throw new IllegalArgumentException("resource '" + name + "': a version needs at least one field");
        }
        versions.remove(v);
        versions.add(v);
        unreported.remove(v);
        unreported.add(v);
        touched = true;
        unchecked++;
        return this;
    }

    /** {@link #emit(Map)} of a version with one field. */
    public ScriptedResource emit(String field, String value) {
        return emit(Map.of(field, value));
    }

    /** Its checks fail with {@code message} (shown as the check's error) until {@link #passCheck()}. */
    public synchronized ScriptedResource failCheck(String message) {
        checkFailure = Objects.requireNonNull(message, "message");
        touched = true;
        unchecked++;
        return this;
    }

    /** Its checks work again. */
    public synchronized ScriptedResource passCheck() {
        checkFailure = null;
        unchecked++;
        return this;
    }

    /** A file its {@code get} steps fetch, at {@code path} inside the artifact. */
    public synchronized ScriptedResource file(String path, String content) {
        files.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(content, "content"));
        touched = true;
        return this;
    }

    /**
     * A directory whose content its {@code get} steps fetch (copied), for pipelines that read task
     * configs or vars files from a repository: {@code ci.resource("repo").directory(Path.of(".."))}.
     */
    public synchronized ScriptedResource directory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        touched = true;
        return this;
    }

    /**
     * The version its {@code put} steps create. Default: the params of the put as fields (strings),
     * or {@code {"put": "<n>"}} for a put without params.
     */
    public synchronized ScriptedResource putCreates(Map<String, String> version) {
        putVersion = new Version(version);
        touched = true;
        return this;
    }

    /**
     * The params of each {@code put} to it so far, oldest first, with their vars resolved; also for
     * a resource of a native type that runs for real.
     */
    public synchronized List<Map<String, Object>> puts() {
        return List.copyOf(puts);
    }

    /** The versions its {@code get} steps fetched so far, in order. */
    public synchronized List<Version> fetched() {
        return List.copyOf(fetched);
    }

    /** The versions emitted so far, oldest first. */
    public synchronized List<Version> emitted() {
        return List.copyOf(versions);
    }

    synchronized boolean touched() {
        return touched;
    }

    /** Whether it changed since the harness last checked it, resetting the mark. */
    synchronized boolean takeUnchecked() {
        boolean changed = unchecked > 0;
        unchecked = 0;
        return changed;
    }

    /**
     * What a check reports: the {@code from} version first when it is still valid (one the script
     * emitted), then the versions emitted since the last check, oldest first. So versions a put
     * created stay where the put placed them.
     */
    synchronized List<Version> check(Version from) {
        if (checkFailure != null) {
            throw new dev.concourse.resource.ResourceException("check of resource '" + name + "' failed: "
                    + checkFailure);
        }
        List<Version> found = new ArrayList<>();
        if (from != null && versions.contains(from) && !unreported.contains(from)) {
            found.add(from);
        }
        found.addAll(unreported);
        unreported.clear();
        return List.copyOf(found);
    }

    synchronized Map<String, String> files() {
        return Map.copyOf(files);
    }

    synchronized Path directoryToCopy() {
        return directory;
    }

    synchronized void recordFetch(Version version) {
        fetched.add(version);
    }

    synchronized Version recordPut(Map<String, Object> params) {
        puts.add(params);
        if (putVersion != null) {
            return putVersion;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                fields.put(k, String.valueOf(v));
            }
        });
        return new Version(fields.isEmpty() ? Map.of("put", Integer.toString(puts.size())) : fields);
    }
}
