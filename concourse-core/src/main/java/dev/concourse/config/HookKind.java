package dev.concourse.config;

/** When a hook runs, by its YAML key. */
public enum HookKind {
    /** {@code on_success}: after the step succeeded. */
    ON_SUCCESS("on_success"),
    /** {@code on_failure}: after the step failed. */
    ON_FAILURE("on_failure"),
    /** {@code on_error}: after the step errored. */
    ON_ERROR("on_error"),
    /** {@code on_abort}: after the build was aborted during the step. */
    ON_ABORT("on_abort"),
    /** {@code ensure}: after the step, whatever happened. */
    ENSURE("ensure");

    private final String key;

    HookKind(String key) {
        this.key = key;
    }

    /** The YAML key. */
    public String key() {
        return key;
    }
}
