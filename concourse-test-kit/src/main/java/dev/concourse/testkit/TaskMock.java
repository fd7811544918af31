package dev.concourse.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a mocked task step does instead of running: its exit status (one per run, the last one
 * repeating, for {@code attempts}), what it prints, the files it leaves in its outputs, and how long
 * it takes in simulated time (or that it runs until a timeout or an abort stops it). Every step of
 * that name, in every job, gets this mock. Also records each run ({@link #runs()}).
 *
 * <p>Configure it before the harness runs the engine; thread-safe.
 *
 * <pre>{@code
 * ci.task("unit-tests").returns(0).prints("42 tests passed\n").writes("reports/junit.xml", "<testsuite/>");
 * ci.task("flaky").returns(1, 1, 0);            // fails twice, then succeeds
 * ci.task("deploy").takes(Duration.ofMinutes(20)); // a timeout: 10m stops it
 * }</pre>
 */
public final class TaskMock {
    private final String name;
    private final List<Integer> exitStatuses = new ArrayList<>(List.of(0));
    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final Map<String, String> files = new LinkedHashMap<>();
    private Duration takes = Duration.ZERO;
    private boolean hangs;
    private final List<TaskRun> runs = new ArrayList<>();

    TaskMock(String name) {
        this.name = name;
    }

    /** The step name this mock answers for. */
    public String name() {
        return name;
    }

    /**
     * The exit status of each run in turn; the last one repeats. {@code returns(0)} is the default.
     *
     * @throws IllegalArgumentException if none is given or one is negative
     */
    public synchronized TaskMock returns(int... statuses) {
        if (statuses.length == 0) {
            throw new IllegalArgumentException("task '" + name + "': give at least one exit status");
        }
        exitStatuses.clear();
        for (int status : statuses) {
            if (status < 0) {
                throw new IllegalArgumentException("task '" + name + "': an exit status is 0 or more, not " + status);
            }
            exitStatuses.add(status);
        }
        return this;
    }

    /** Text the task writes to its stdout, every run (appended to what was given before). */
    public synchronized TaskMock prints(String text) {
        stdout.append(Objects.requireNonNull(text, "text"));
        return this;
    }

    /** Text the task writes to its stderr, every run. */
    public synchronized TaskMock printsError(String text) {
        stderr.append(Objects.requireNonNull(text, "text"));
        return this;
    }

    /**
     * A file the task writes, every run, at {@code path} relative to its working directory, such as
     * {@code out/report.txt} for an output named {@code out}; it must lie in one of the task's outputs
     * (or inputs, or caches).
     */
    public synchronized TaskMock writes(String path, String content) {
        files.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(content, "content"));
        return this;
    }

    /** How long each run takes in simulated time before it exits; a timeout shorter than this stops it. */
    public synchronized TaskMock takes(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("task '" + name + "': a duration cannot be negative: " + duration);
        }
        this.takes = duration;
        this.hangs = false;
        return this;
    }

    /** Each run goes on until a timeout or an abort stops it (or the harness's horizon fails the test). */
    public synchronized TaskMock hangs() {
        this.hangs = true;
        return this;
    }

    /** The runs so far, oldest first. */
    public synchronized List<TaskRun> runs() {
        return List.copyOf(runs);
    }

    synchronized Script nextRun(TaskRun run) {
        int index = Math.min(runs.size(), exitStatuses.size() - 1);
        runs.add(run);
        return new Script(exitStatuses.get(index), stdout.toString(), stderr.toString(),
                Collections.unmodifiableMap(new LinkedHashMap<>(files)), hangs ? null : takes);
    }

    /** One run's script; {@code takes} null for one that hangs. */
    record Script(int exitStatus, String stdout, String stderr, Map<String, String> files, Duration takes) {
    }

    /**
     * One run of a mocked task.
     *
     * @param buildId the build it ran in
     * @param env     its environment: the task's {@code params} and the build's metadata
     * @param path    the command it would have run
     * @param args    its arguments
     */
    public record TaskRun(long buildId, Map<String, String> env, String path, List<String> args) {
        public TaskRun {
            env = Map.copyOf(env);
            args = List.copyOf(args);
        }
    }
}
