package dev.concourse.runtime.linux.internal;

import dev.concourse.runtime.linux.internal.network.ContainerNetwork;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link ProcessSpec} into a running {@link RuncProcess}: resolves the user, environment,
 * working directory and executable in the container's files, writes the process's OCI config and
 * FIFOs, and starts its supervisor.
 */
final class ProcessStarter {
    private final RuncWorker worker;
    private final WorkerSettings settings;
    private final ProcessLauncher launcher;

    ProcessStarter(RuncWorker worker, WorkerSettings settings, ProcessLauncher launcher) {
        this.worker = worker;
        this.settings = settings;
        this.launcher = launcher;
    }

    /** Starts a process of the container (the caller holds the worker's read lock). */
    RuncProcess start(RuncContainer container, ProcessSpec spec, ProcessIO io) {
        ContainerSettings cs = container.settings();
        ContainerLayout layout = container.layout();
        String what = "process '" + spec.id() + "' in container " + container.handle();
        Map<String, Path> mountMap = new LinkedHashMap<>();
        cs.mounts().forEach(m -> mountMap.put(m.path(), Path.of(m.source())));
        ContainerFiles files = new ContainerFiles(layout.rootfs(), mountMap);
        Users.User user = Users.resolve(files, spec.user() != null ? spec.user() : cs.user(), what);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", RuncWorker.DEFAULT_PATH);
        env.put("HOME", user.home());
        env.putAll(cs.env());
        env.putAll(spec.env());
        String cwd = spec.dir() == null ? cs.workingDir()
                : spec.dir().startsWith("/") ? Names.normalize(spec.dir())
                : Names.normalize(cs.workingDir() + "/" + spec.dir());
        checkExecutable(files, spec.path(), cwd, env.get("PATH"), what);

        ProcessDirectory directory = new ProcessDirectory(layout.processes().resolve(ProcessDirectory.dirName(spec.id())));
        String runcId = RuncContainer.newRuncId(container.handle());
        try {
            directory.prepare(io.stdin() != null, container.outputEnded(spec.id()));
            List<String> args = new ArrayList<>(List.of(RuncWorker.INIT_PATH, "--", spec.path()));
            args.addAll(spec.args());
            List<OciConfig.Bind> binds = new ArrayList<>();
            binds.add(new OciConfig.Bind(settings.initBinary().toString(), RuncWorker.INIT_PATH, true));
            cs.mounts().forEach(m -> binds.add(new OciConfig.Bind(m.source(), m.path(), m.readOnly())));
            String netns = null;
            if (cs.networked()) {
                ContainerNetwork network = networkOf(container.handle(), what);
                netns = network.namespacePath().toString();
                binds.add(new OciConfig.Bind(network.hostsFile().toString(), "/etc/hosts", true));
                binds.add(new OciConfig.Bind(network.resolvConfFile().toString(), "/etc/resolv.conf", true));
                binds.add(new OciConfig.Bind(network.hostnameFile().toString(), "/etc/hostname", true));
            }
            List<String> envList = new ArrayList<>();
            env.forEach((k, v) -> envList.add(k + "=" + v));
            String config = OciConfig.json(new OciConfig.Spec(layout.rootfs().toString(), args, envList, cwd,
                    user.uid(), user.gid(), cs.hostname(), binds, cs.privileged(), worker.idMap(), netns,
                    worker.cgroups().pathOf(runcId), cs.memoryBytes(), cs.cpuShares()));
            Files.writeString(directory.path().resolve("config.json"), config, StandardCharsets.UTF_8);
            directory.write("id", spec.id());
            directory.write("runc-id", runcId);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot prepare " + what + ": " + e.getMessage(), e);
        }
        Path oomFile = cs.memoryBytes() == null ? null : worker.cgroups().oomFile(runcId);
        RuncProcess process = RuncProcess.open(spec.id(), directory, cs.memoryLimitText(), worker.signaller(directory),
                settings.drainTimeout(), io);
        try {
            Process supervisor = launcher.spawn(directory, runcId, io.stdin() != null, oomFile, what);
            process.follow(io.stdin());
            process.supervise(supervisor.onExit());
            launcher.awaitStart(directory, supervisor, what);
            process.started();
        } catch (RuntimeOperationException e) {
            process.stopReading();
            throw e;
        }
        return process;
    }

    private ContainerNetwork networkOf(String handle, String what) {
        if (worker.bridge() == null) {
            throw new RuntimeOperationException("cannot start " + what + ": the container was created with a network"
                    + " and this runtime has none; configure the same NetworkSettings as the instance that created it");
        }
        return worker.bridge().find(handle).orElseThrow(() -> new RuntimeOperationException("cannot start " + what
                + ": its network is gone (no address lease on bridge " + worker.bridge().settings().bridgeName()
                + "); destroy the container and create it again"));
    }

    private void checkExecutable(ContainerFiles files, String path, String cwd, String pathVariable, String what) {
        List<String> candidates = new ArrayList<>();
        if (path.startsWith("/")) {
            candidates.add(path);
        } else if (path.contains("/")) {
            candidates.add(Names.normalize(cwd + "/" + path));
        } else {
            for (String dir : (pathVariable == null ? RuncWorker.DEFAULT_PATH : pathVariable).split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Names.normalize((dir.startsWith("/") ? dir : cwd + "/" + dir) + "/" + path));
                }
            }
        }
        for (String candidate : candidates) {
            if (files.isExecutable(candidate)) {
                return;
            }
        }
        throw new RuntimeOperationException("cannot start " + what + ": no executable '" + path + "' in the container"
                + " (looked at " + String.join(", ", candidates) + ")");
    }
}
