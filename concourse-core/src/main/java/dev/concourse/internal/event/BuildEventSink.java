package dev.concourse.internal.event;

import dev.concourse.event.BuildEvent;

/**
 * Where a running build's events go. The engine's implementation assigns sequence numbers,
 * fans events out to subscribers and persists them. Thread-safe: steps running in parallel emit
 * concurrently; events of one thread keep their order.
 */
public interface BuildEventSink {

    void emit(BuildEvent event);
}
