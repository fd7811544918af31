package dev.concourse.internal.event;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** Runs tasks when the test says so, on the test's thread: delivery and flushing become deterministic. */
final class ManualExecutor implements Executor {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs tasks, and the tasks they schedule, until none is left. */
    int runAll() {
        int ran = 0;
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
            ran++;
        }
        return ran;
    }

    int pending() {
        return tasks.size();
    }
}
