package dev.concourse.runtime.linux.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One pass of {@link RuncWorker#collectGarbage()}; runs under the worker's exclusive lock. */
final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final RuncWorker worker;

    GarbageCollector(RuncWorker worker) {
        this.worker = worker;
    }

    GarbageReport collect() {
        Set<String> handles = new HashSet<>();
        Set<Path> layers = new HashSet<>();
        Set<String> liveRuncIds = new HashSet<>();
        int containers = 0;
        for (String handle : Names.list(worker.containersDir())) {
            ContainerLayout layout = new ContainerLayout(worker.containersDir().resolve(handle));
            var stored = new StateFile(layout.state()).read();
            if (stored.isEmpty()) {
                try {
                    worker.mounts().unmount(layout.rootfs());
                    Trees.delete(layout.directory());
                    containers++;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("garbage collection: cannot remove the left-overs of container {}: {}", handle,
                            e.getMessage());
                }
                continue;
            }
            handles.add(handle);
            layers.add(Path.of(ContainerSettings.fromState(stored.get()).lowerLayer()));
            worker.findRuncContainer(handle).ifPresent(c -> c.processDirectories().forEach(d -> {
                if (d.exitStatus().isEmpty()) {
                    d.read("runc-id").ifPresent(liveRuncIds::add);
                }
            }));
        }

        int runcContainers = 0;
        for (String runcId : Names.list(worker.runcRoot())) {
            int dot = runcId.lastIndexOf('.');
            String handle = dot > 0 ? runcId.substring(0, dot) : runcId;
            if (handles.contains(handle) && liveRuncIds.contains(runcId)) {
                continue;
            }
            var result = worker.commands().tryRun(List.of(worker.runc(), "--root", worker.runcRoot().toString(),
                    "delete", "--force", runcId));
            if (result.ok()) {
                runcContainers++;
            } else {
                LOG.warn("garbage collection: {}", result.describe());
            }
        }

        int mounts = 0;
        String prefix = worker.containersDir().toAbsolutePath().normalize() + "/";
        for (String point : Mounts.mountPoints()) {
            if (!point.startsWith(prefix)) {
                continue;
            }
            String handle = point.substring(prefix.length()).split("/")[0];
            if (!handles.contains(handle)) {
                try {
                    worker.mounts().unmount(Path.of(point));
                    mounts++;
                } catch (RuntimeException e) {
                    LOG.warn("garbage collection: cannot unmount {}: {}", point, e.getMessage());
                }
            }
        }

        VolumeStore.Garbage volumeGarbage = worker.volumeStore().collect();
        mounts += volumeGarbage.mounts();
        int volumes = volumeGarbage.volumes();

        int images = 0;
        try {
            images = worker.images().collect(layers);
        } catch (IOException e) {
            LOG.warn("garbage collection: cannot remove unused image copies: {}", e.getMessage());
        }
        int cgroups = worker.cgroups().collect(liveRuncIds);
        if (worker.bridge() != null) {
            try {
                worker.bridge().collectGarbage(handles);
            } catch (RuntimeException e) {
                LOG.warn("garbage collection: cannot collect the network's left-overs: {}", e.getMessage());
            }
        }
        GarbageReport report = new GarbageReport(runcContainers, containers, mounts, volumes, images, cgroups);
        if (report.total() > 0) {
            LOG.info("garbage collection removed {}", report);
        }
        return report;
    }
}
