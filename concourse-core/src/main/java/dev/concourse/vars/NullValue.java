package dev.concourse.vars;

/** The single {@link Variables#NULL} marker. */
enum NullValue {
    INSTANCE;

    @Override
    public String toString() {
        return "null";
    }
}
