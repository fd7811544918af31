package dev.concourse.internal.resourcetype;

import java.util.ArrayList;
import java.util.List;

/** A {@link CancelSignal} raised by {@link #cancel()}. Thread-safe. */
public final class CancelTrigger implements CancelSignal {
    private final List<Runnable> listeners = new ArrayList<>();
    private boolean cancelled;

    /** Raises the signal: runs the listeners (on this thread); later calls do nothing. */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = List.copyOf(listeners);
            listeners.clear();
        }
        toRun.forEach(Runnable::run);
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    @Override
    public Registration onCancel(Runnable listener) {
        synchronized (this) {
            if (!cancelled) {
                listeners.add(listener);
                return () -> {
                    synchronized (this) {
                        listeners.remove(listener);
                    }
                };
            }
        }
        listener.run();
        return () -> { };
    }
}
