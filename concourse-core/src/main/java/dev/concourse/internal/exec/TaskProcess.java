package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.scheduling.EngineClock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a step's process while watching its context: when the context is cancelled (abort,
 * timeout, a fail-fast sibling) the process gets {@link ProcessSignal#TERMINATE} and, if it is
 * still running after the abort grace period, {@link ProcessSignal#KILL}, as Garden stops a
 * container's processes. The wait ends only when the process has exited and its output is written.
 */
final class TaskProcess {
    private static final Logger LOG = LoggerFactory.getLogger(TaskProcess.class);

    private TaskProcess() {
    }

    static int await(RunContext run, ContainerProcess process, Cancellation ctx) {
        AtomicReference<EngineClock.Scheduled> kill = new AtomicReference<>();
        Cancellation.Registration onCancel = ctx.onCancel(() -> {
            signal(process, ProcessSignal.TERMINATE);
            kill.set(run.env.clock().schedule(run.env.abortGracePeriod(),
                    () -> signal(process, ProcessSignal.KILL)));
        });
        try {
            return Waits.waitFor(process, run);
        } finally {
            onCancel.close();
            EngineClock.Scheduled pending = kill.get();
            if (pending != null) {
                pending.cancel();
            }
        }
    }

    private static void signal(ContainerProcess process, ProcessSignal signal) {
        try {
            process.signal(signal);
        } catch (RuntimeException e) {
            // The process may be gone already; the wait tells what happened.
            LOG.debug("could not send {} to process {}: {}", signal, process.id(), e.toString());
        }
    }
}
