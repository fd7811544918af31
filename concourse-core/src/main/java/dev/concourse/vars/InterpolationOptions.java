package dev.concourse.vars;

/**
 * What {@link VarInterpolator#verify()} insists on at the end of an interpolation (Concourse's
 * {@code EvaluateOpts}). By default neither: missing vars stay as {@code ((name))} text.
 *
 * @param expectAllKeys     fail with {@link UndefinedVarsException} if any referenced var was not
 *                          found
 * @param expectAllVarsUsed fail with {@link UnusedVarsException} if a var the {@link Variables}
 *                          list was never referenced
 */
public record InterpolationOptions(boolean expectAllKeys, boolean expectAllVarsUsed) {

    /** Neither check: missing and unused vars are allowed. */
    public static InterpolationOptions defaults() {
        return new InterpolationOptions(false, false);
    }

    /** These options with {@link #expectAllKeys()} set as given. */
    public InterpolationOptions withExpectAllKeys(boolean expect) {
        return new InterpolationOptions(expect, expectAllVarsUsed);
    }

    /** These options with {@link #expectAllVarsUsed()} set as given. */
    public InterpolationOptions withExpectAllVarsUsed(boolean expect) {
        return new InterpolationOptions(expectAllKeys, expect);
    }
}
