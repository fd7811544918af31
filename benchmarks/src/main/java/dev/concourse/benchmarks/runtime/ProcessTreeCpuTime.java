package dev.concourse.benchmarks.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CPU time of the JVM and of the child processes it has reaped ({@code /proc/self/stat}: user and
 * system time, own and of waited-for children), per operation: what starting a container process
 * costs the whole machine, runc and the supervisor included, which on a loaded machine varies far
 * less than wall time. Counted in clock ticks (10 ms), so only the average over many operations
 * means something; a child reaped after its operation ended counts in the next one. Reported like
 * {@link dev.concourse.benchmarks.CpuTime} ({@code cpuNanos} and {@code operations} totals).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ProcessTreeCpuTime {
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path STAT = Path.of("/proc/self/stat");

    public long cpuNanos;
    /** The JVM's own share of {@link #cpuNanos} (the rest is its reaped children's). */
    public long jvmCpuNanos;
    public long operations;
    private long started;
    private long startedOwn;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        jvmCpuNanos = 0;
        operations = 0;
    }

    public void start() {
        long[] now = ticks();
        startedOwn = now[0];
        started = now[0] + now[1];
    }

    public void stop() {
        long[] now = ticks();
        cpuNanos += (now[0] + now[1] - started) * NANOS_PER_TICK;
        jvmCpuNanos += (now[0] - startedOwn) * NANOS_PER_TICK;
        operations++;
    }

    /**
     * {utime + stime, cutime + cstime}: fields 14 to 17, counted after the command's closing
     * parenthesis.
     */
    private static long[] ticks() {
        try {
            String stat = Files.readString(STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state), so field n is fields[n - 3]
            return new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]) + Long.parseLong(fields[14])};
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STAT, e);
        }
    }
}
