package dev.concourse.db.internal;

/** Sizes the schema holds, checked before writing so that a value too large fails clearly. */
final class Limits {
    /** Names of teams, pipelines, jobs, resources, inputs and outputs ({@code VARCHAR(1024)}). */
    static final int NAME = 1024;
    /** A scope key ({@code VARCHAR(2048)}). */
    static final int SCOPE_KEY = 2048;
    /** One stored build event's JSON, in characters. */
    static final int EVENT = 1024 * 1024;
    /** An event type. */
    static final int EVENT_TYPE = 64;
    /** A pipeline config, a plan or other JSON text, in characters. */
    static final int TEXT = 64 * 1024 * 1024;

    private Limits() {
    }

    static void name(String what, String value) {
        check(what, value, NAME);
    }

    static void check(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters long, more than the "
                    + max + " the database store keeps; shorten it");
        }
    }
}
