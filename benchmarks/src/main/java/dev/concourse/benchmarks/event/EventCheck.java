package dev.concourse.benchmarks.event;

import dev.concourse.event.SequencedEvent;

/**
 * What every fan-out subscriber does with an event, engine or baseline alike: check it is the
 * next in sequence and count it. The benchmark fails when a subscriber missed or repeated one.
 */
final class EventCheck {
    private long expected = 1;
    private volatile String problem;

    void accept(SequencedEvent event) {
        if (event.sequence() != expected && problem == null) {
            problem = "expected event " + expected + ", got " + event.sequence();
        }
        expected++;
    }

    void fail(Throwable error) {
        problem = "failed: " + error;
    }

    /** Throws unless exactly {@code events} events came, in order. */
    void verify(int events) {
        if (problem != null || expected != events + 1L) {
            throw new IllegalStateException("a subscriber got " + (expected - 1) + " of " + events + " events"
                    + (problem == null ? "" : ": " + problem));
        }
    }
}
