package dev.concourse.runtime.linux.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime config ({@code config.json}) of one process: the container's root file system,
 * its mounts, and either the unprivileged set-up (user namespace, capability allow-list, seccomp,
 * no new privileges, masked and read-only {@code /proc} paths) or the privileged one (host root,
 * all capabilities, no seccomp), as Garden makes them for Concourse.
 */
final class OciConfig {
    /** Docker's and Garden's default capabilities of unprivileged containers. */
    static final List<String> UNPRIVILEGED_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    static final List<String> ALL_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
    /** What privileged containers get: every capability in this process's bounding set (runc cannot grant more). */
    static final List<String> HOST_CAPABILITIES = hostCapabilities();
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    /** The seccomp profile as JSON, the largest part of a config, serialised once. */
    private static final Json.Raw SECCOMP = Json.Raw.of(Seccomp.profile());

    /** A bind mount of a host path. */
    record Bind(String source, String destination, boolean readOnly) {
    }

    /**
     * Everything one process's config needs.
     *
     * @param rootfs        the container's root file system on the host (its overlay mount)
     * @param args          the command, starting with the init ({@code /dev/.concourse-init --})
     * @param env           {@code NAME=value} pairs
     * @param cwd           absolute working directory in the container
     * @param uid           user in the container
     * @param gid           group in the container
     * @param hostname      the container's host name
     * @param binds         the init binary, volumes and network files
     * @param privileged    whether to skip the isolation of unprivileged containers
     * @param idMap         container root's host range (unprivileged only)
     * @param netnsPath     a network namespace to join, or null for a new one (loopback only)
     * @param cgroupsPath   the cgroup, relative to each hierarchy's root
     * @param memoryBytes   memory limit or null
     * @param cpuShares     CPU weight or null
     */
    record Spec(String rootfs, List<String> args, List<String> env, String cwd, int uid, int gid, String hostname,
            List<Bind> binds, boolean privileged, IdMap idMap, String netnsPath, String cgroupsPath, Long memoryBytes,
            Long cpuShares) {
    }

    private OciConfig() {
    }

    /** The names of the capabilities in {@code CapBnd} of {@code /proc/self/status}, in bit order. */
    private static List<String> hostCapabilities() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    long bits = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    List<String> names = new ArrayList<>();
                    for (int bit = 0; bit < ALL_CAPABILITIES.size(); bit++) {
                        if ((bits & (1L << bit)) != 0) {
                            names.add(ALL_CAPABILITIES.get(bit));
                        }
                    }
                    return List.copyOf(names);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux, or an unusual /proc: fall back to the unprivileged set
        }
        return UNPRIVILEGED_CAPABILITIES;
    }

    static String json(Spec spec) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ociVersion", "1.0.2-dev");
        List<String> caps = spec.privileged() ? HOST_CAPABILITIES : UNPRIVILEGED_CAPABILITIES;
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", false);
        process.put("user", Map.of("uid", spec.uid(), "gid", spec.gid()));
        process.put("args", spec.args());
        process.put("env", spec.env());
        process.put("cwd", spec.cwd());
        process.put("capabilities", Map.of("bounding", caps, "effective", caps, "permitted", caps,
                "inheritable", caps));
        process.put("noNewPrivileges", !spec.privileged());
        config.put("process", process);
        config.put("root", Map.of("path", spec.rootfs(), "readonly", false));
        config.put("hostname", spec.hostname());
        config.put("mounts", mounts(spec));
        config.put("linux", linux(spec));
        return Json.write(config);
    }

    private static List<Object> mounts(Spec spec) {
        boolean joinsNetwork = spec.netnsPath() != null;
        List<Object> mounts = new ArrayList<>();
        mounts.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        mounts.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5")));
        mounts.add(mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777",
                "size=65536k")));
        mounts.add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        if (spec.privileged() || !joinsNetwork) {
            mounts.add(mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
        } else {
            // sysfs cannot be mounted from a user namespace in a network namespace it does not own.
            mounts.add(mount("/sys", "bind", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro")));
        }
        mounts.add(mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime",
                "ro")));
        for (Bind bind : spec.binds()) {
            List<String> options = new ArrayList<>(List.of("rbind", "nosuid", "nodev"));
            if (bind.readOnly()) {
                options.add("ro");
            }
            mounts.add(mount(bind.destination(), "bind", bind.source(), options));
        }
        return mounts;
    }

    private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("destination", destination);
        mount.put("type", type);
        mount.put("source", source);
        mount.put("options", options);
        return mount;
    }

    private static Map<String, Object> linux(Spec spec) {
        Map<String, Object> linux = new LinkedHashMap<>();
        List<Object> namespaces = new ArrayList<>();
        namespaces.add(Map.of("type", "pid"));
        namespaces.add(Map.of("type", "ipc"));
        namespaces.add(Map.of("type", "uts"));
        namespaces.add(Map.of("type", "mount"));
        namespaces.add(spec.netnsPath() == null ? Map.of("type", "network")
                : Map.of("type", "network", "path", spec.netnsPath()));
        if (!spec.privileged()) {
            namespaces.add(Map.of("type", "user"));
            namespaces.add(Map.of("type", "cgroup"));
            List<Object> mapping = List.of(Map.of("containerID", 0, "hostID", spec.idMap().hostId(),
                    "size", spec.idMap().size()));
            linux.put("uidMappings", mapping);
            linux.put("gidMappings", mapping);
        }
        linux.put("namespaces", namespaces);
        Map<String, Object> resources = new LinkedHashMap<>();
        resources.put("devices", List.of(Map.of("allow", false, "access", "rwm")));
        if (spec.memoryBytes() != null && spec.memoryBytes() > 0) {
            resources.put("memory", Map.of("limit", spec.memoryBytes()));
        }
        if (spec.cpuShares() != null && spec.cpuShares() > 0) {
            resources.put("cpu", Map.of("shares", spec.cpuShares()));
        }
        linux.put("resources", resources);
        linux.put("cgroupsPath", spec.cgroupsPath());
        if (!spec.privileged()) {
            linux.put("seccomp", SECCOMP);
            linux.put("maskedPaths", MASKED_PATHS);
            linux.put("readonlyPaths", READONLY_PATHS);
        }
        return linux;
    }
}
