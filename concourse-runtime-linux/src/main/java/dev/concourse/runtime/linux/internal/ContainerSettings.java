package dev.concourse.runtime.linux.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a container was created with, as stored in its state file.
 *
 * @param env         environment of every process
 * @param user        default user, or null for root
 * @param workingDir  default working directory (absolute)
 * @param mounts      volumes bind-mounted into it
 * @param memoryBytes memory limit or null
 * @param cpuShares   CPU weight or null
 * @param privileged  whether it runs without the unprivileged isolation
 * @param lowerLayer  the image layer under its overlay
 * @param hostname    its host name
 * @param networked   whether it has a network of the bridge (else: loopback only)
 */
record ContainerSettings(Map<String, String> env, String user, String workingDir, List<MountSetting> mounts,
        Long memoryBytes, Long cpuShares, boolean privileged, String lowerLayer, String hostname, boolean networked) {

    /**
     * A mounted volume.
     *
     * @param volume   its handle
     * @param source   its directory on the host
     * @param path     where it is in the container
     * @param readOnly whether writes are refused
     */
    record MountSetting(String volume, String source, String path, boolean readOnly) {
    }

    ContainerSettings {
        env = Map.copyOf(env);
        mounts = List.copyOf(mounts);
    }

    String memoryLimitText() {
        if (memoryBytes == null) {
            return "not set";
        }
        long mib = memoryBytes / (1024 * 1024);
        return mib * 1024 * 1024 == memoryBytes ? mib + " MiB" : memoryBytes + " bytes";
    }

    Map<String, String> toState() {
        Map<String, String> state = new LinkedHashMap<>();
        env.forEach((k, v) -> state.put("env." + k, v));
        if (user != null) {
            state.put("user", user);
        }
        state.put("workingDir", workingDir);
        for (int i = 0; i < mounts.size(); i++) {
            MountSetting m = mounts.get(i);
            state.put("mount." + i + ".volume", m.volume());
            state.put("mount." + i + ".source", m.source());
            state.put("mount." + i + ".path", m.path());
            state.put("mount." + i + ".readOnly", Boolean.toString(m.readOnly()));
        }
        if (memoryBytes != null) {
            state.put("limit.memory", memoryBytes.toString());
        }
        if (cpuShares != null) {
            state.put("limit.cpu", cpuShares.toString());
        }
        state.put("privileged", Boolean.toString(privileged));
        state.put("lowerLayer", lowerLayer);
        state.put("hostname", hostname);
        state.put("networked", Boolean.toString(networked));
        return state;
    }

    static ContainerSettings fromState(Map<String, String> state) {
        Map<String, String> env = new TreeMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith("env.")) {
                env.put(k.substring(4), v);
            }
        });
        List<MountSetting> mounts = new ArrayList<>();
        for (int i = 0; state.containsKey("mount." + i + ".path"); i++) {
            mounts.add(new MountSetting(state.get("mount." + i + ".volume"), state.get("mount." + i + ".source"),
                    state.get("mount." + i + ".path"), Boolean.parseBoolean(state.get("mount." + i + ".readOnly"))));
        }
        return new ContainerSettings(env, state.get("user"), state.getOrDefault("workingDir", "/"), mounts,
                state.containsKey("limit.memory") ? Long.valueOf(state.get("limit.memory")) : null,
                state.containsKey("limit.cpu") ? Long.valueOf(state.get("limit.cpu")) : null,
                Boolean.parseBoolean(state.get("privileged")), state.get("lowerLayer"),
                state.getOrDefault("hostname", "container"), Boolean.parseBoolean(state.get("networked")));
    }
}
