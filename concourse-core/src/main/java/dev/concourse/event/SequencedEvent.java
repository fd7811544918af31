package dev.concourse.event;

import java.util.Objects;

/**
 * An event and its position in its build's log. Sequence numbers start at 1 and have no gaps, so
 * a client that saw up to {@code n} resumes from {@code n + 1} without losing or repeating any.
 *
 * @param buildId  the build
 * @param sequence the position, from 1
 * @param event    the event
 */
public record SequencedEvent(long buildId, long sequence, BuildEvent event) {
    public SequencedEvent {
        Objects.requireNonNull(event, "event");
    }
}
