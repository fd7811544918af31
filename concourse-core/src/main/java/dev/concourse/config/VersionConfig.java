package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.Map;

/**
 * The {@code version:} of a get step: {@code latest}, {@code every}, or a pinned version
 * (a partial match of the version's fields).
 *
 * @param mode   which of the three
 * @param pinned the fields to match when {@link Mode#PINNED}, otherwise empty
 */
public record VersionConfig(Mode mode, Map<String, String> pinned) {

    /** The three ways a get step picks its version. */
    public enum Mode { LATEST, EVERY, PINNED }

    public static final VersionConfig LATEST = new VersionConfig(Mode.LATEST, Map.of());
    public static final VersionConfig EVERY = new VersionConfig(Mode.EVERY, Map.of());

    public VersionConfig {
        pinned = Frozen.strings(pinned);
    }

    /** A pin to the version whose fields contain these. */
    public static VersionConfig pinned(Map<String, String> fields) {
        return new VersionConfig(Mode.PINNED, fields);
    }
}
