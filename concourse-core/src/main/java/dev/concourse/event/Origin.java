package dev.concourse.event;

import java.util.Objects;

/**
 * Which step of a build's plan an event comes from, and for output which stream.
 *
 * @param id     the plan id of the step (see {@code BuildPlan})
 * @param source the stream for log events, or null
 */
public record Origin(String id, Source source) {

    /** An output stream. */
    public enum Source {
        STDOUT("stdout"), STDERR("stderr");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        /** {@code stdout} or {@code stderr}, as in Concourse's events. */
        public String wireName() {
            return wireName;
        }
    }

    public Origin {
        Objects.requireNonNull(id, "id");
    }

    /** An origin without a stream. */
    public static Origin of(String id) {
        return new Origin(id, null);
    }
}
