package dev.concourse.testkit;

import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A mocked task's process: prints its output and writes its files when it starts, then exits
 * with its status at once, after its simulated duration, or when a signal stops it (143 for
 * TERMINATE, 137 for KILL, as a shell reports them).
 */
final class ScriptedProcess implements ContainerProcess {
    private final String id;
    private final String description;
    private final EngineDriver driver;
    private Integer exitStatus;

    private ScriptedProcess(String id, String description, EngineDriver driver) {
        this.id = id;
        this.description = description;
        this.driver = driver;
    }

    static ScriptedProcess start(String id, String step, TaskMock.Script script, ContainerSpec spec, ProcessIO io,
            EngineDriver driver) {
        ScriptedProcess process = new ScriptedProcess(id, "mocked task '" + step + "'", driver);
        write(io.stdout(), script.stdout(), step);
        write(io.stderr(), script.stderr(), step);
        script.files().forEach((path, content) -> writeFile(spec, path, content, step));
        if (script.takes() == null) {
            return process;
        }
        if (script.takes().isZero()) {
            process.exit(script.exitStatus());
        } else {
            driver.clock().schedule(script.takes(), () -> process.exit(script.exitStatus()));
        }
        return process;
    }

    private static void write(OutputStream stream, String text, String step) {
        if (stream == null || text.isEmpty()) {
            return;
        }
        try {
            stream.write(text.getBytes(StandardCharsets.UTF_8));
            stream.flush();
        } catch (IOException e) {
            throw new RuntimeOperationException("mocked task '" + step + "' could not write its output: "
                    + e.getMessage(), e);
        }
    }

    /** Writes into the volume mounted where {@code path} (relative to the working directory) lands. */
    private static void writeFile(ContainerSpec spec, String path, String content, String step) {
        String workingDir = spec.workingDir() == null ? "/" : spec.workingDir();
        String absolute = path.startsWith("/") ? path : (workingDir.endsWith("/") ? workingDir : workingDir + "/") + path;
        ContainerSpec.Mount best = null;
        for (ContainerSpec.Mount mount : spec.mounts()) {
            String prefix = mount.path().endsWith("/") ? mount.path() : mount.path() + "/";
            if (absolute.startsWith(prefix) && (best == null || mount.path().length() > best.path().length())) {
                best = mount;
            }
        }
        if (best == null) {
            throw new RuntimeOperationException("mocked task '" + step + "' writes '" + path + "', which is in none"
                    + " of its outputs, inputs or caches (" + mountPaths(spec, workingDir) + "); declare an output"
                    + " for it in the task's config");
        }
        String prefix = best.path().endsWith("/") ? best.path() : best.path() + "/";
        Path target = Path.of(best.volume().path()).resolve(absolute.substring(prefix.length())).normalize();
        if (!target.startsWith(Path.of(best.volume().path()))) {
            throw new RuntimeOperationException("mocked task '" + step + "' writes '" + path + "' outside its volume");
        }
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuntimeOperationException("mocked task '" + step + "' could not write '" + path + "': "
                    + e.getMessage(), e);
        }
    }

    private static String mountPaths(ContainerSpec spec, String workingDir) {
        String prefix = workingDir.endsWith("/") ? workingDir : workingDir + "/";
        return String.join(", ", spec.mounts().stream()
                .map(m -> m.path().startsWith(prefix) ? m.path().substring(prefix.length()) : m.path()).toList());
    }

    private synchronized void exit(int status) {
        if (exitStatus == null) {
            exitStatus = status;
        }
    }

    private synchronized boolean exited() {
        return exitStatus != null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int waitFor() {
        if (!exited() && !driver.driveUntil(this::exited, description)) {
            exit(137);
        }
        return exitStatus().orElseThrow();
    }

    @Override
    public synchronized OptionalInt exitStatus() {
        return exitStatus == null ? OptionalInt.empty() : OptionalInt.of(exitStatus);
    }

    @Override
    public void signal(ProcessSignal signal) {
        exit(signal == ProcessSignal.KILL ? 137 : 143);
    }

    @Override
    public String toString() {
        return description + " " + Map.of("exit", exitStatus == null ? "running" : exitStatus);
    }
}
