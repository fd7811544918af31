package dev.concourse.internal.exec;

import dev.concourse.internal.runtime.ProcessStopper;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessDetachedException;

/**
 * Waits for a step's process while watching its context: when the context is cancelled (abort,
 * timeout, a fail-fast sibling) the process gets TERMINATE and, if it is still running after the
 * abort grace period, KILL, as Garden stops a container's processes. The wait ends only when the
 * process has exited and its output is written. When the build is handed over to another engine
 * node the process is detached instead (not signalled; the new owner follows it), and the wait
 * ends with {@link StepCancelled} of {@link Cancellation.Cause#HANDED_OVER}; see {@link ProcessStopper}.
 */
final class TaskProcess {

    private TaskProcess() {
    }

    static int await(RunContext run, ContainerProcess process, Cancellation ctx) {
        ProcessStopper stopper = new ProcessStopper(process, run.env.clock(), run.env.abortGracePeriod());
        Cancellation.Registration cancelled = ctx.onCancel(() -> stopper.cancelled(ctx.isHandedOver()));
        Cancellation.Registration handedOver = ctx.onHandOver(stopper::handOver);
        try {
            return Waits.waitFor(process, run);
        } catch (ProcessDetachedException e) {
            throw new StepCancelled(Cancellation.Cause.HANDED_OVER);
        } finally {
            handedOver.close();
            cancelled.close();
            stopper.close();
        }
    }
}
