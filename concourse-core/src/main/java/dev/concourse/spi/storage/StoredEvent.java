package dev.concourse.spi.storage;

import java.util.Objects;

/**
 * A build event as stored: its position and its JSON in Concourse's envelope
 * ({@code {"event": "log", "version": "5.1", "data": {...}}}). Stores keep the JSON as it is.
 *
 * @param sequence the position in the build's log, from 1
 * @param type     the event type, such as {@code log}
 * @param json     the whole event
 */
public record StoredEvent(long sequence, String type, String json) {
    public StoredEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
    }
}
