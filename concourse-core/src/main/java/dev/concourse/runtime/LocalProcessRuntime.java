package dev.concourse.runtime;

import dev.concourse.WorkerInfo;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Runs steps as plain processes of this host: the runtime that works with zero set-up, for
 * development, tests and trusted pipelines. <strong>It isolates nothing</strong>: processes run
 * as the JVM's user, see the whole host file system and network, and can read and write whatever
 * that user can. Its one worker reports {@link WorkerInfo#isolated()} {@code false}.
 *
 * <h2>Layout</h2>
 * Everything lives under a base directory (by default a new temporary directory):
 * <ul>
 *   <li>a <b>volume</b> is the directory {@code volumes/<handle>}; a child volume
 *       ({@link dev.concourse.spi.runtime.VolumeSpec#parent()}) is a real, recursive copy of its
 *       parent, not copy-on-write, so creating one costs time and space in proportion to the parent;</li>
 *   <li>a <b>container</b> is the directory {@code containers/<handle>}: container path {@code /a/b}
 *       is {@code containers/<handle>/a/b}; a mount is a symbolic link at the mount path pointing
 *       to the volume's directory. Read-only mounts are <em>not</em> enforced: a process can write
 *       through the link. Mounts nested in another mount create their link (and directories)
 *       inside the outer volume;</li>
 *   <li>what must survive a restart (container environment and working directory, properties of
 *       containers and volumes, pids of started processes) is in Java properties files under
 *       {@code state/}.</li>
 * </ul>
 *
 * <h2>Processes</h2>
 * <ul>
 *   <li>The working directory is the container directory's mapping of the process's {@code dir}
 *       (relative to the container's working directory, itself {@code /} by default); it is
 *       created if missing. Only this, the executable's path and mounts are mapped: the process
 *       itself sees host paths, so an absolute path in a script means the host's.</li>
 *   <li>The executable: an absolute path such as {@code /opt/resource/check} is looked for in the
 *       image's root file system first ({@code rootfs/} of an image volume, or a {@code raw://}
 *       directory), then in the container directory, then on the host; a relative path with a
 *       slash ({@code repo/ci/test.sh}) is resolved against the working directory; a bare name
 *       ({@code sh}) is searched in each directory of the process's {@code PATH}, each looked up in
 *       the container directory, then on the host, never in the image. So a resource type's
 *       {@code /opt/resource/*} come from its image while the {@code #!/bin/sh} and the tools its
 *       scripts call are the host's: unmodified Concourse resource scripts work when the host has
 *       those tools. An image program that cannot start on the host (a binary for another C
 *       library) gives way to the next candidate. A missing executable is a
 *       {@link RuntimeOperationException}.</li>
 *   <li>The environment is, lowest precedence first: the host variables {@code PATH},
 *       {@code HOME}, {@code USER}, {@code LOGNAME}, {@code SHELL}, {@code TMPDIR}, {@code LANG},
 *       {@code LC_ALL}, {@code LC_CTYPE}, {@code TZ} and, on Windows, {@code SystemRoot},
 *       {@code SystemDrive}, {@code ComSpec}, {@code PATHEXT}, {@code windir}, {@code TEMP},
 *       {@code TMP}, {@code USERPROFILE} (those that are set; {@code PATH} defaults to
 *       {@code /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}; change the list with
 *       {@link Builder#inheritedEnvironment}); then the container's {@code env}; then the
 *       process's {@code env}.</li>
 *   <li>Output is read by two virtual threads with 64 KiB buffers and written, and flushed, to the
 *       {@code ProcessIO} streams as it comes; {@code waitFor} returns once the process has exited
 *       <em>and</em> both streams reached their end, so no output is lost. A background process
 *       it started (a daemon, {@code cmd &}) may keep the output open after it exited: then
 *       {@code waitFor} returns after the {@linkplain Builder#outputDrainTimeout drain timeout}
 *       (5 s by default), and that process's later output is discarded. It runs on until it ends:
 *       once its parent has exited it no longer descends from a process the runtime started, so
 *       neither signals nor destroying the container reach it. Input is copied on a third virtual
 *       thread, then the process's stdin is closed.</li>
 *   <li>{@code TERMINATE} sends SIGTERM ({@link ProcessHandle#destroy()}) to the process and all its
 *       descendants, {@code KILL} sends SIGKILL to all of them; a process that ends by a signal
 *       reports {@code 128 + signal} (143, 137) as a shell does. Descendants are found by reading
 *       the process table when the signal is sent (Java has no process groups), so a child forked
 *       in that very instant can be missed. The output pipes stay open, so a process that handles
 *       SIGTERM can still report its clean-up.</li>
 *   <li>Users ({@code ContainerSpec.user}, {@code ProcessSpec.user}), resource limits and the
 *       {@code privileged} flag of containers and volumes are ignored (recorded, never applied).
 *       Apart from the executable look-up above, the image is ignored: processes run on the host
 *       whatever it is, and its {@code metadata.json} ({@code env}, {@code user}) is not applied.
 *       A {@code raw://} image must name an existing directory (a typo is an error, not silently
 *       ignored); an image volume is accepted; other image URIs are refused.</li>
 * </ul>
 *
 * <h2>Restarts</h2>
 * A new instance on the same base directory (after a JVM restart, say) finds the containers and
 * volumes with their properties, and can run new processes in those containers. It cannot
 * re-attach to processes an earlier instance started: their output went to pipes of that
 * instance, so {@link dev.concourse.spi.runtime.Container#attach} returns empty for them. (A
 * wrapper recording exit statuses would not help: when signalled it would report its own exit,
 * not the command's, and the output would still be lost; see {@code docs/runtimes.md}.) Running
 * processes are not otherwise tracked across instances, but destroying a container kills those
 * an earlier instance recorded (matched by pid and start time). Within one instance,
 * {@code attach} returns the running or finished process and sends its further output to the new
 * streams.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} kills the processes this instance started (nothing could ever attach to them
 * again); with an explicit base directory it keeps containers and volumes, with the default
 * temporary one it deletes the directory, since no later instance could find it. If the JVM dies
 * instead, its processes live on until they next write output (and get SIGPIPE) or end.
 *
 * <p>Thread-safe.
 */
public final class LocalProcessRuntime implements ContainerRuntime {
    private final Path baseDirectory;
    private final boolean temporary;
    private final LocalWorker worker;

    private LocalProcessRuntime(Builder builder) {
        if (builder.baseDirectory != null) {
            this.baseDirectory = builder.baseDirectory.toAbsolutePath().normalize();
            this.temporary = false;
        } else {
            try {
                this.baseDirectory = Files.createTempDirectory("concourse-local-").toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new RuntimeOperationException("cannot create a temporary directory for the local runtime: "
                        + e.getMessage() + "; set one with LocalProcessRuntime.builder().baseDirectory(...)", e);
            }
            this.temporary = true;
        }
        String name = builder.workerName != null ? builder.workerName : defaultWorkerName();
        String platform = builder.platform != null ? builder.platform : platformOf(System.getProperty("os.name", ""));
        WorkerInfo info = new WorkerInfo(name, platform, builder.tags, builder.team, builder.resourceTypes, false);
        this.worker = new LocalWorker(info, new HostEnvironment(builder.inheritedEnvironment, System.getenv()),
                builder.outputDrainTimeout, baseDirectory);
    }

    /** A builder with the defaults: a new temporary directory, a worker named after the host. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code local}. */
    @Override
    public String id() {
        return "local";
    }

    /** Its single worker. */
    @Override
    public List<Worker> workers() {
        return List.of(worker);
    }

    /** Where its containers, volumes and state are. */
    public Path baseDirectory() {
        return baseDirectory;
    }

    /**
     * Kills the processes this instance started; deletes everything if the base directory is the
     * default temporary one, else keeps containers and volumes for a later instance.
     *
     * @throws RuntimeOperationException if the temporary directory cannot be deleted
     */
    @Override
    public void close() {
        worker.killProcesses();
        if (temporary) {
            try {
                FileTrees.delete(baseDirectory);
            } catch (IOException e) {
                throw new RuntimeOperationException("cannot delete the local runtime's temporary directory "
                        + baseDirectory + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "LocalProcessRuntime[worker=" + worker.info().name() + ", baseDirectory=" + baseDirectory + "]";
    }

    static String platformOf(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return "linux";
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return "darwin";
        }
        if (os.contains("windows")) {
            return "windows";
        }
        return os.replace(" ", "");
    }

    /** The host name from the environment or the kernel, without a DNS look-up; else {@code local}. */
    private static String defaultWorkerName() {
        for (String variable : List.of("HOSTNAME", "COMPUTERNAME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        for (String file : List.of("/proc/sys/kernel/hostname", "/etc/hostname")) {
            try {
                String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (!value.isEmpty()) {
                    return value;
                }
            } catch (IOException | RuntimeException e) {
                // not there on this system: try the next source
            }
        }
        return "local";
    }

    /** Settings of a {@link LocalProcessRuntime}; every one is optional. Not thread-safe. */
    public static final class Builder {
        private Path baseDirectory;
        private String workerName;
        private String platform;
        private List<String> tags = List.of();
        private String team;
        private List<String> resourceTypes = List.of();
        private List<String> inheritedEnvironment = HostEnvironment.DEFAULT_NAMES;
        private Duration outputDrainTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * Where containers, volumes and state go (created if missing). Give the same directory to
         * a later instance to find them again. Default: a new temporary directory, deleted by
         * {@link LocalProcessRuntime#close()}.
         */
        public Builder baseDirectory(Path baseDirectory) {
            this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory");
            return this;
        }

        /**
         * The worker's name. Default: the host name ({@code HOSTNAME}/{@code COMPUTERNAME}, else
         * the kernel's), or {@code local}.
         */
        public Builder workerName(String workerName) {
            this.workerName = Objects.requireNonNull(workerName, "workerName");
            return this;
        }

        /**
         * The platform the worker reports. Default: from {@code os.name}: {@code linux},
         * {@code darwin}, {@code windows}, else the lower-cased name. Setting it does not change
         * where processes run; it is meant for tests of placement.
         */
        public Builder platform(String platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
            return this;
        }

        /** Worker tags (default none): steps must ask for all of them to be placed here. */
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
         * Names of the JVM's environment variables that processes inherit (those set are passed),
         * replacing the default list given in the class documentation. Without {@code PATH} in
         * the list, processes get only the {@code PATH} their container or spec sets.
         */
        public Builder inheritedEnvironment(List<String> names) {
            this.inheritedEnvironment = List.copyOf(names);
            return this;
        }

        /**
         * How long after a process exits its output may stay open (held by a background process
         * it started) before that output is discarded and the process counts as finished.
         * Default: 5 seconds.
         */
        public Builder outputDrainTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("the output drain timeout must not be negative: " + timeout);
            }
            this.outputDrainTimeout = timeout;
            return this;
        }

        public LocalProcessRuntime build() {
            return new LocalProcessRuntime(this);
        }
    }
}
