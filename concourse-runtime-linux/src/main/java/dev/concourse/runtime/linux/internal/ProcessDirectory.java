package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The state directory of one process, {@code processes/<hex of id>/}, which outlives the engine:
 * <ul>
 *   <li>{@code config.json}: its OCI bundle config (the bundle's root file system is the container's);</li>
 *   <li>{@code stdin}, {@code stdout}, {@code stderr}: FIFOs between the engine and runc;</li>
 *   <li>{@code id}, {@code runc-id}: the process id and the runc container running it;</li>
 *   <li>{@code supervisor}: pid and start time of the supervisor, {@code supervisor.log} its messages;</li>
 *   <li>{@code pid}: the process's host pid (written by runc once it started);</li>
 *   <li>{@code exit}: its exit status, {@code oom}: present if the memory limit was hit;</li>
 *   <li>{@code runc.log}: runc's own messages.</li>
 * </ul>
 */
record ProcessDirectory(Path path) {
    /** Name prefix of the directories of earlier processes being deleted ({@link #replaceEarlier}). */
    static final String REPLACED = ".replaced-";
    /** The files of one run that a reused directory must not keep (the rest are written again). */
    private static final List<String> RUN_FILES = List.of("exit", "exit.tmp", "pid", "oom", "runc.log",
            "supervisor.log");

    static String dirName(String processId) {
        return HexFormat.of().formatHex(processId.getBytes(StandardCharsets.UTF_8));
    }

    Path stdin() {
        return path.resolve("stdin");
    }

    Path stdout() {
        return path.resolve("stdout");
    }

    Path stderr() {
        return path.resolve("stderr");
    }

    Path exitFile() {
        return path.resolve("exit");
    }

    Path pidFile() {
        return path.resolve("pid");
    }

    Path oomFile() {
        return path.resolve("oom");
    }

    Path supervisorLog() {
        return path.resolve("supervisor.log");
    }

    /** The last line the supervisor logged, or a note that it logged nothing. */
    String supervisorError() {
        try {
            List<String> lines = Files.exists(supervisorLog())
                    ? Files.readAllLines(supervisorLog(), StandardCharsets.UTF_8) : List.of();
            return lines.isEmpty() ? "it logged nothing" : lines.getLast();
        } catch (IOException e) {
            return "cannot read " + supervisorLog() + ": " + e.getMessage();
        }
    }

    Path runcLog() {
        return path.resolve("runc.log");
    }

    /**
     * Makes the directory ready for a new process with this id, with its output FIFOs (and the
     * input FIFO if {@code withInput}). The directory of an earlier process that finished (its exit
     * status is recorded) and whose output this instance no longer reads ({@code earlierReusable})
     * is reused: its FIFOs stay and only the files of its run are removed, instead of a dozen files
     * made and deleted per process. Otherwise the earlier directory is replaced
     * ({@link #replaceEarlier}). The earlier supervisor may still be exiting: after writing the exit
     * status it only closes its ends of the FIFOs, writing nothing more.
     */
    void prepare(boolean withInput, boolean earlierReusable) throws IOException {
        if (earlierReusable && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && exitStatus().isPresent()) {
            for (String name : RUN_FILES) {
                Files.deleteIfExists(path.resolve(name));
            }
            if (!withInput) {
                Files.deleteIfExists(stdin());
            }
        } else {
            replaceEarlier();
            Files.createDirectories(path);
        }
        makeFifo(stdout());
        makeFifo(stderr());
        if (withInput) {
            makeFifo(stdin());
        }
    }

    private static void makeFifo(Path fifo) {
        if (!Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)) {
            Posix.mkfifo(fifo.toString(), 0600);
        }
    }

    /**
     * Moves the directory of an earlier process with the same id out of the way, and deletes it in
     * the background: deleting its dozen files costs several milliseconds on a busy disk, which a
     * rename does not. A left-over (the engine stopped meanwhile) goes with the container.
     */
    void replaceEarlier() throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path aside = path.resolveSibling(REPLACED + path.getFileName() + "-" + Names.randomSuffix());
        Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
        Thread.ofVirtual().name("runc-replaced-" + path.getFileName()).start(() -> {
            try {
                Trees.delete(aside);
            } catch (IOException e) {
                // deleted with the container
            }
        });
    }

    Optional<String> read(String name) {
        try {
            return Optional.of(Files.readString(path.resolve(name), StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot read " + path.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    void write(String name, String content) {
        try {
            Files.writeString(path.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot write " + path.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    OptionalInt exitStatus() {
        Optional<String> text = read("exit");
        if (text.isEmpty() || text.get().isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.get()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    boolean started() {
        return read("pid").filter(s -> !s.isEmpty()).isPresent();
    }

    void recordSupervisor(ProcessHandle handle) {
        write("supervisor", handle.pid() + " " + handle.info().startInstant().map(Instant::toString).orElse("-") + "\n");
    }

    /** The supervisor if it is still running (same pid and start time as recorded). */
    Optional<ProcessHandle> supervisor() {
        Optional<String> text = read("supervisor");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = text.get().split(" ");
        try {
            long pid = Long.parseLong(parts[0]);
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> parts.length < 2
                    || parts[1].equals("-")
                    || h.info().startInstant().map(Instant::toString).map(parts[1]::equals).orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The last error runc logged (its {@code msg="..."}), or the whole log's last line. */
    String runcError() {
        List<String> lines;
        try {
            lines = Files.exists(runcLog()) ? Files.readAllLines(runcLog(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return "(cannot read " + runcLog() + ": " + e.getMessage() + ")";
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            int msg = line.indexOf("msg=\"");
            if (line.contains("level=error") && msg >= 0) {
                String text = line.substring(msg + 5);
                return text.endsWith("\"") ? text.substring(0, text.length() - 1).replace("\\\"", "\"") : text;
            }
        }
        return lines.isEmpty() ? "runc left no message" : lines.getLast();
    }
}
