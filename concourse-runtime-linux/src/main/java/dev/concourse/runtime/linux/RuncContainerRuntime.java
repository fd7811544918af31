package dev.concourse.runtime.linux;

import dev.concourse.WorkerInfo;
import dev.concourse.runtime.linux.internal.RuncWorker;
import dev.concourse.runtime.linux.internal.WorkerSettings;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Worker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps in Linux containers with {@code runc}, as Concourse's workers do: each container has
 * its own root file system (an overlay of the image), mounts, user namespace, capabilities,
 * seccomp profile and cgroup limits. Needs root, {@code runc} and a static {@code tini}; see
 * {@code docs/runtimes.md} for the requirements and the security model.
 *
 * <pre>{@code
 * ContainerRuntime runtime = RuncContainerRuntime.builder()
 *         .baseDirectory(Path.of("/var/lib/my-app/runc"))
 *         .build();
 * }</pre>
 *
 * <p>Each process runs under a small supervisor that outlives the engine and records its exit
 * status, so a new instance on the same base directory re-attaches to processes an earlier one
 * started ({@link dev.concourse.spi.runtime.Container#attach}). {@link #close()} stops the garbage
 * collector and forwards no more output; containers, volumes and running processes stay.
 *
 * <p>Thread-safe.
 */
public final class RuncContainerRuntime implements ContainerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(RuncContainerRuntime.class);

    private final RuncWorker worker;
    private final Path baseDirectory;
    private final String runcVersion;
    private final boolean runcOlderThanCveFix;
    private final ScheduledExecutorService collector;

    private RuncContainerRuntime(Builder builder) {
        this.baseDirectory = builder.baseDirectory.toAbsolutePath().normalize();
        if (!"root".equals(System.getProperty("user.name")) && !isRoot()) {
            throw new RuntimeOperationException("the runc runtime needs root (it mounts file systems and creates "
                    + "namespaces and cgroups); run the engine as root or use LocalProcessRuntime");
        }
        Path init = builder.initBinary != null ? builder.initBinary : findInit();
        String name = builder.workerName != null ? builder.workerName : hostName();
        WorkerInfo info = new WorkerInfo(name, "linux", builder.tags, builder.team, builder.resourceTypes, true);
        this.worker = new RuncWorker(new WorkerSettings(info, baseDirectory, builder.runc, init, builder.idMapHostId,
                builder.idMapSize, Path.of("/sys/fs/cgroup"), builder.outputDrainTimeout, builder.commandTimeout,
                builder.network));
        this.runcVersion = worker.runcVersion();
        this.runcOlderThanCveFix = worker.runcOlderThanCveFix();
        if (runcOlderThanCveFix) {
            LOG.warn("runc {} is older than 1.1.12 and may be open to CVE-2024-21626 (a container process can reach the"
                    + " host's file system through a leaked file descriptor) unless your distribution back-ported the"
                    + " fix; upgrade runc", runcVersion);
        }
        worker.collectGarbageNow();
        if (builder.garbageCollectionInterval.isZero()) {
            this.collector = null;
        } else {
            this.collector = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                    .name("runc-garbage-collector").factory());
            long period = builder.garbageCollectionInterval.toMillis();
            collector.scheduleWithFixedDelay(() -> {
                try {
                    worker.collectGarbageNow();
                } catch (RuntimeException e) {
                    LOG.warn("runc runtime garbage collection failed: {}", e.getMessage(), e);
                }
            }, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** A builder; {@link Builder#baseDirectory} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code runc}. */
    @Override
    public String id() {
        return "runc";
    }

    /** Yes: a process's supervisor outlives the engine and keeps its output and exit status. */
    @Override
    public boolean reattachesAcrossInstances() {
        return true;
    }

    @Override
    public List<Worker> workers() {
        return List.of(worker);
    }

    /** Where containers, volumes, image copies and runc's state are. */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /** The version of the runc binary in use, such as {@code 1.1.5+ds1}. */
    public String runcVersion() {
        return runcVersion;
    }

    /**
     * Whether that runc is older than 1.1.12, the release that fixed CVE-2024-21626 (the runtime
     * logs a warning at start-up then). A distribution may have back-ported the fix without
     * changing the version: check its security tracker.
     */
    public boolean runcOlderThanCveFix() {
        return runcOlderThanCveFix;
    }

    /**
     * Removes now what no container or volume owns (see the class documentation of the garbage
     * collection in {@code docs/runtimes.md}); it also runs at start-up and on the builder's interval.
     *
     * @return how many things were removed
     */
    public int collectGarbage() {
        return worker.collectGarbageNow();
    }

    /**
     * Removes the containers' bridge, its iptables rules and every container's network, if the
     * runtime has one: for uninstalling, and for tests. Running containers lose their network.
     */
    public void removeNetwork() {
        worker.removeNetwork();
    }

    /** Stops the garbage collector; containers, volumes and processes stay for a later instance. */
    @Override
    public void close() {
        if (collector != null) {
            collector.shutdownNow();
        }
        worker.detachAll();
        worker.releaseCgroups();
    }

    @Override
    public String toString() {
        return "RuncContainerRuntime[worker=" + worker.info().name() + ", baseDirectory=" + baseDirectory + "]";
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }

    private static Path findInit() {
        for (String candidate : List.of("/usr/bin/tini-static", "/usr/local/bin/tini-static", "/sbin/tini-static",
                "/usr/libexec/docker/docker-init", "/usr/bin/docker-init")) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        throw new RuntimeOperationException("the runc runtime needs a static tini as the init of its containers and "
                + "found none (looked for /usr/bin/tini-static, /usr/local/bin/tini-static, /sbin/tini-static, "
                + "docker-init); install it (Debian/Ubuntu: apt-get install tini) or set Builder.initBinary");
    }

    private static String hostName() {
        for (String file : List.of("/proc/sys/kernel/hostname", "/etc/hostname")) {
            try {
                String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!value.isEmpty()) {
                    return value;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // try the next source
            }
        }
        return "runc";
    }

    /** Settings of a {@link RuncContainerRuntime}. Not thread-safe. */
    public static final class Builder {
        private Path baseDirectory;
        private String runc = "runc";
        private Path initBinary;
        private String workerName;
        private List<String> tags = List.of();
        private String team;
        private List<String> resourceTypes = List.of();
        private int idMapHostId = 100_000;
        private int idMapSize = 65_536;
        private Duration outputDrainTimeout = Duration.ofSeconds(5);
        private Duration commandTimeout = Duration.ofMinutes(5);
        private Duration garbageCollectionInterval = Duration.ofMinutes(5);
        private NetworkSettings network;

        private Builder() {
        }

        /**
         * Where containers, volumes, image copies and runc's state live (created if missing; must
         * be on a file system that can be an overlay's upper layer, such as ext4 or xfs, and its
         * path must not contain ',' or ':'). A later instance on the same directory finds them again.
         */
        public Builder baseDirectory(Path baseDirectory) {
            this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory");
            return this;
        }

        /** The runc binary, a path or a name on PATH; default {@code runc}. */
        public Builder runc(String runc) {
            this.runc = Objects.requireNonNull(runc, "runc");
            return this;
        }

        /** A statically linked tini (or docker-init); default: the first found of the usual places. */
        public Builder initBinary(Path initBinary) {
            this.initBinary = Objects.requireNonNull(initBinary, "initBinary");
            return this;
        }

        /** The worker's name; default: the host name. */
        public Builder workerName(String workerName) {
            this.workerName = Objects.requireNonNull(workerName, "workerName");
            return this;
        }

        /** Worker tags (default none). */
        public Builder tags(String... tags) {
            this.tags = List.of(tags);
            return this;
        }

        /** Dedicates the worker to one team; default: all teams. */
        public Builder team(String team) {
            this.team = Objects.requireNonNull(team, "team");
            return this;
        }

        /** Base resource types the worker reports (default none). */
        public Builder resourceTypes(String... resourceTypes) {
            this.resourceTypes = List.of(resourceTypes);
            return this;
        }

        /**
         * The host ids unprivileged containers' ids map to: container id {@code n} is host id
         * {@code first + n}. Default 100000 and 65536.
         */
        public Builder userNamespaceRange(int first, int size) {
            if (first <= 0 || size <= 0) {
                throw new IllegalArgumentException("the user namespace range must start above 0 and not be empty");
            }
            this.idMapHostId = first;
            this.idMapSize = size;
            return this;
        }

        /** How long after a process exited its output may still arrive; default 5 seconds. */
        public Builder outputDrainTimeout(Duration timeout) {
            this.outputDrainTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long one runc, mount or copy command may take; default 5 minutes (image copies). */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Gives every container a network: its own namespace with a veth pair on a bridge of this
         * host, an address, NAT, {@code /etc/hosts} and {@code /etc/resolv.conf} (see
         * {@link NetworkSettings}). Without it (the default) each process has a network namespace
         * of its own with only a loopback interface: no network at all.
         */
        public Builder network(NetworkSettings network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /** How often garbage is collected after the start-up pass; zero for never. Default 5 minutes. */
        public Builder garbageCollectionInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("the garbage collection interval must not be negative");
            }
            this.garbageCollectionInterval = interval;
            return this;
        }

        /**
         * Checks runc and the init binary, collects left-overs of earlier instances and starts.
         *
         * @throws RuntimeOperationException if not root, or runc or tini is missing
         */
        public RuncContainerRuntime build() {
            if (baseDirectory == null) {
                throw new IllegalStateException("RuncContainerRuntime.builder().baseDirectory(...) is required");
            }
            return new RuncContainerRuntime(this);
        }
    }
}
