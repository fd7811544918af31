package dev.concourse.internal.engine;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers and volumes of builds on the runtime's workers, found by the property
 * {@code concourse:build-id} the executor puts on each: destroyed when a build ends whose steps
 * kept them (a build another node may take over), when a taken-over build cannot be resumed, and
 * by {@link #collectFinished} for builds that ended while no node cleaned up after them (a node
 * stopped between storing the final status and destroying them).
 */
final class BuildContainers {
    private static final Logger LOG = LoggerFactory.getLogger(BuildContainers.class);
    /** The property the executor puts on every container and volume of a build's steps. */
    static final String BUILD_ID_PROPERTY = "concourse:build-id";

    /** How many containers and volumes were destroyed. */
    record Destroyed(int containers, int volumes) {
    }

    private final ContainerRuntime runtime;

    BuildContainers(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Destroys the build's containers (first: they mount the volumes) and volumes this node's runtime sees. */
    Destroyed destroy(long buildId) {
        return destroyWhere(id -> id == buildId);
    }

    /**
     * Destroys the containers and volumes of the builds that {@code storage} has as finished, except
     * those in {@code running} (which this node is still running or ending); returns how many.
     */
    Destroyed collectFinished(Storage storage, Set<Long> running) {
        Set<Long> ids = new TreeSet<>();
        for (Worker worker : runtime.workers()) {
            try {
                worker.containers().forEach(c -> buildId(c.properties()).ifPresent(ids::add));
                worker.volumes().forEach(v -> buildId(v.properties()).ifPresent(ids::add));
            } catch (RuntimeException e) {
                LOG.warn("cannot list the containers and volumes of worker {}: {}", worker.info().name(), e.toString());
            }
        }
        Set<Long> finished = new TreeSet<>();
        for (long id : ids) {
            if (!running.contains(id) && storage.builds().find(id).map(b -> b.status().isFinished()).orElse(false)) {
                finished.add(id);
            }
        }
        if (finished.isEmpty()) {
            return new Destroyed(0, 0);
        }
        Destroyed destroyed = destroyWhere(finished::contains);
        LOG.info("destroyed {} container(s) and {} volume(s) left by finished builds {}", destroyed.containers(),
                destroyed.volumes(), finished);
        return destroyed;
    }

    private Destroyed destroyWhere(LongPredicate build) {
        int containers = 0;
        List<Volume> volumes = new ArrayList<>();
        for (Worker worker : runtime.workers()) {
            try {
                for (Container container : worker.containers()) {
                    if (buildId(container.properties()).filter(build::test).isPresent() && destroyed(container)) {
                        containers++;
                    }
                }
                worker.volumes().stream().filter(v -> buildId(v.properties()).filter(build::test).isPresent())
                        .forEach(volumes::add);
            } catch (RuntimeException e) {
                LOG.warn("could not list the containers and volumes of worker {}: {}", worker.info().name(),
                        e.toString());
            }
        }
        // A copy-on-write child may have to go before its parent: what fails goes again after the rest.
        int count = 0;
        List<Volume> failed = new ArrayList<>();
        for (Volume volume : volumes) {
            try {
                volume.destroy();
                count++;
            } catch (RuntimeException e) {
                failed.add(volume);
            }
        }
        for (Volume volume : failed) {
            try {
                volume.destroy();
                count++;
            } catch (RuntimeException e) {
                LOG.warn("could not destroy volume {} on worker {}: {}", volume.handle(), volume.workerName(),
                        e.toString());
            }
        }
        return new Destroyed(containers, count);
    }

    private static boolean destroyed(Container container) {
        try {
            container.destroy();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("could not destroy container {} on worker {}: {}", container.handle(), container.workerName(),
                    e.toString());
            return false;
        }
    }

    private static Optional<Long> buildId(Map<String, String> properties) {
        String id = properties.get(BUILD_ID_PROPERTY);
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
