package dev.concourse.testkit;

/**
 * Attached (as a suppressed exception) to the failure of a pipeline test: every build of the
 * pipeline with its step tree and the tail of its log, so a failing test says what the pipeline did.
 */
public final class PipelineDiagnostics extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PipelineDiagnostics(String diagnostics) {
        super("what the pipeline did:\n" + diagnostics, null, false, false);
    }
}
