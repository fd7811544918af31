/**
 * The build executor: plans a step tree ({@link dev.concourse.internal.exec.BuildPlanner}) and
 * runs it ({@link dev.concourse.internal.exec.BuildRun}) with Concourse's semantics
 * ({@code atc/exec/*.go}, {@code atc/builds/planner.go}, {@code atc/engine/builder.go}). Not API.
 *
 * <p>Outcomes follow Go's {@code (ok bool, err error)}: a step succeeds, fails ({@code ok} false:
 * a non-zero exit, a timeout), errors (an error event was emitted: bad config, missing inputs, a
 * runtime failure) or is cancelled (abort, or a fail-fast sibling). Cancellation is a tree of
 * {@code Cancellation}s, the executor's {@code context.Context}; processes of cancelled steps get
 * TERMINATE, then KILL after the abort grace period.
 *
 * <p>Where this differs from Concourse, on purpose:
 * <ul>
 *   <li>task caches are mounted directly rather than as copy-on-write children that replace the
 *       cache at the end of the step (see {@code TaskCaches});</li>
 *   <li>containers are destroyed when their step ends, failed ones too (no hijacking yet);</li>
 *   <li>an invalid {@code timeout} modifier emits an error event naming it (Concourse errors
 *       silently);</li>
 *   <li>a step cancelled before it started emits nothing (Concourse's next step may report
 *       {@code interrupted});</li>
 *   <li>a task file is interpolated with the step's {@code vars} only, failing on undefined vars
 *       (credential managers come later); inline configs are used as set;</li>
 *   <li>get, put, set_pipeline, load_var, run and across are planned but error when run, until
 *       resources and build vars arrive ({@code UnsupportedSteps}).</li>
 * </ul>
 * Like Concourse, {@code on_abort} and {@code on_error} hooks (and {@code ensure} after a
 * cancellation) run detached from the build's cancellation, so aborting the build again does not
 * stop them.
 */
package dev.concourse.internal.exec;
