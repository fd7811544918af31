package dev.concourse.benchmarks;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The process's CPU time spent during operations, next to their wall-clock time: on a machine
 * shared with other work, wall time includes waiting for a core at every hand-over between
 * threads, CPU time does not. JMH reports {@code cpuNanos} and {@code operations} as totals; the
 * report divides them.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public long cpuNanos;
    public long operations;
    private long started;

    @Setup(Level.Iteration)
    public void reset() {
        cpuNanos = 0;
        operations = 0;
    }

    public void start() {
        started = OS.getProcessCpuTime();
    }

    public void stop() {
        cpuNanos += OS.getProcessCpuTime() - started;
        operations++;
    }
}
