package dev.concourse.db.internal;

/** Sizes (and characters) the schema holds, checked before writing so that a bad value fails clearly. */
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

    /**
     * Checks a name's length and that it has no NUL character, which PostgreSQL cannot store in
     * text (and which would otherwise be refused with a driver error naming nothing).
     */
    static void name(String what, String value) {
        check(what, value, NAME);
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(what + " '" + value.replace("\u0000", "\\u0000")
                    + "' contains a NUL character, which the database store cannot keep; remove it");
        }
    }

    /** Whether a name can be stored at all; one that cannot names nothing stored, so look-ups find nothing. */
    static boolean storable(String... names) {
        for (String name : names) {
            if (name != null && name.indexOf('\u0000') >= 0) {
                return false;
            }
        }
        return true;
    }

    static void check(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters long, more than the "
                    + max + " the database store keeps; shorten it");
        }
    }
}
