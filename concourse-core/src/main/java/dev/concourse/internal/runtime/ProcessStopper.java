package dev.concourse.internal.runtime;

import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.scheduling.EngineClock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the engine's part in a step's process when the step is cancelled, while a thread waits for
 * it. {@link #stop()} (an abort, a timeout): {@link ProcessSignal#TERMINATE}, then
 * {@link ProcessSignal#KILL} after the grace period if the wait has not ended, as Garden stops a
 * container's processes. {@link #handOver()} (the build now belongs to another engine node):
 * {@link ContainerProcess#detach()}, no signal, so the node that took the build over keeps
 * following the process; a KILL still pending from an earlier stop is dropped. Only where the
 * runtime cannot detach (nobody else can ever follow the process) is it stopped as on an abort.
 * Thread-safe; {@link #close()} it once the wait ended (a pending KILL is dropped).
 */
public final class ProcessStopper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessStopper.class);

    private final ContainerProcess process;
    private final EngineClock clock;
    private final Duration gracePeriod;
    private boolean stopping;
    private boolean handingOver;
    private boolean detached;
    private boolean closed;
    private EngineClock.Scheduled kill;

    public ProcessStopper(ContainerProcess process, EngineClock clock, Duration gracePeriod) {
        this.process = Objects.requireNonNull(process, "process");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
    }

    /** The step was cancelled: {@link #handOver()} if its build was handed over, else {@link #stop()}. */
    public void cancelled(boolean handedOver) {
        if (handedOver) {
            handOver();
        } else {
            stop();
        }
    }

    /** TERMINATE now, KILL after the grace period; once only, and not after a detach. */
    public void stop() {
        synchronized (this) {
            if (closed || detached || stopping) {
                return;
            }
            stopping = true;
        }
        signal(ProcessSignal.TERMINATE);
        EngineClock.Scheduled scheduled = clock.schedule(gracePeriod, () -> {
            synchronized (this) {
                if (closed || detached) {
                    return;
                }
            }
            signal(ProcessSignal.KILL);
        });
        synchronized (this) {
            if (closed || detached) {
                scheduled.cancel();
            } else {
                kill = scheduled;
            }
        }
    }

    /** Detaches the process; stops it as {@link #stop()} does only if the runtime cannot detach. Once only. */
    public void handOver() {
        synchronized (this) {
            if (closed || handingOver) {
                return;
            }
            handingOver = true;
        }
        boolean done;
        try {
            done = process.detach();
        } catch (RuntimeException e) {
            LOG.warn("could not detach from process {}; stopping it instead: {}", process.id(), e.toString());
            done = false;
        }
        if (!done) {
            stop();
            return;
        }
        synchronized (this) {
            detached = true;
        }
        dropKill();
    }

    /** The wait ended: drops a pending KILL. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        dropKill();
    }

    private void dropKill() {
        EngineClock.Scheduled pending;
        synchronized (this) {
            pending = kill;
            kill = null;
        }
        if (pending != null) {
            pending.cancel();
        }
    }

    private void signal(ProcessSignal signal) {
        try {
            process.signal(signal);
        } catch (RuntimeException e) {
            // The process may be gone already; the wait tells what happened.
            LOG.debug("could not send {} to process {}: {}", signal, process.id(), e.toString());
        }
    }
}
