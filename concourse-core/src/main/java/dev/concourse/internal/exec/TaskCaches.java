package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Persistent task caches: one volume per (job id, step name, cache path) and worker, found by its
 * properties, so it survives the build and, with a runtime that keeps volumes, the engine.
 *
 * <p>Unlike Concourse, which mounts a copy-on-write child of the cache and makes it the new cache
 * when the step ends, the cache volume itself is mounted: there is no volume garbage collector yet
 * to remove superseded copies. The price is that two builds of one job running the same task at
 * the same moment share the directory. If two builds create the first cache at once, both
 * volumes exist and the one with the smallest handle is used from then on. Cache {@code ttl} is
 * not enforced yet.
 */
final class TaskCaches {
    static final String JOB = "concourse:cache-job";
    static final String STEP = "concourse:cache-step";
    static final String PATH = "concourse:cache-path";

    private TaskCaches() {
    }

    static Optional<Volume> find(Worker worker, Map<String, String> key) {
        return worker.volumes().stream()
                .filter(v -> matches(v.properties(), key))
                .min(Comparator.comparing(Volume::handle));
    }

    static Volume findOrCreate(Worker worker, Map<String, String> key, Function<Map<String, String>, Volume> create) {
        return find(worker, key).orElseGet(() -> create.apply(key));
    }

    private static boolean matches(Map<String, String> properties, Map<String, String> key) {
        for (Map.Entry<String, String> entry : key.entrySet()) {
            if (!entry.getValue().equals(properties.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
