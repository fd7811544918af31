package dev.concourse.config;

import dev.concourse.internal.config.Frozen;

/**
 * One var of an {@code across} modifier.
 *
 * @param var         the var's name, used as {@code ((.:var))}
 * @param values      the values: a list, or a {@code ((var))} string resolved at run time; null if missing
 * @param maxInFlight how many values run at once, or null for one at a time
 */
public record AcrossVar(String var, Object values, MaxInFlight maxInFlight) {
    public AcrossVar {
        values = Frozen.value(values);
    }

    /**
     * {@code max_in_flight} of an across var: a number, or {@code all}.
     *
     * @param all   every value at once
     * @param limit the number when not {@code all}
     */
    public record MaxInFlight(boolean all, int limit) {
        public static final MaxInFlight ALL = new MaxInFlight(true, 0);

        public static MaxInFlight of(int limit) {
            return new MaxInFlight(false, limit);
        }

        /** The number of steps that may run at once out of {@code steps}. */
        public int effectiveLimit(int steps) {
            return all ? steps : limit;
        }
    }
}
