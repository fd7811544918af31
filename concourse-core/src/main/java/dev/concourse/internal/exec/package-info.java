/**
 * The build executor: plans a step tree ({@link dev.concourse.internal.exec.BuildPlanner}) and
 * runs it ({@link dev.concourse.internal.exec.BuildRun}) with Concourse's semantics
 * ({@code atc/exec/*.go}, {@code atc/builds/planner.go}, {@code atc/engine/builder.go}). Not API.
 *
 * <p>Outcomes follow Go's {@code (ok bool, err error)}: a step succeeds, fails ({@code ok} false:
 * a non-zero exit, a timeout), errors (an error event was emitted: bad config, missing inputs, a
 * runtime failure) or is cancelled (abort, or a fail-fast sibling). Cancellation is a tree of
 * {@code Cancellation}s, the executor's {@code context.Context}; processes of cancelled steps get
 * TERMINATE, then KILL after the abort grace period. A build handed over to another engine node
 * (it took the build over) ends quietly instead: no step or hook starts, and running processes
 * are detached, not signalled, where the runtime can.
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
 *   <li>{@code set_pipeline} does not print the diff of the configs, and the record of which job
 *       set a pipeline (for automatic archiving) is kept by the engine in memory;</li>
 *   <li>the substeps of {@code across} in the {@code across-substeps} event carry this engine's
 *       plan shape ({@code BuildPlan}), not Concourse's public plan JSON;</li>
 *   <li>{@code get} and {@code put} pick their worker before {@code start-get} and fetch custom
 *       types' images without {@code image-check}/{@code image-get} events; without a scheduler,
 *       a get resolves its version when it runs (checking first when none is saved) unless the
 *       build was given its inputs ({@code BuildRun.useInputs}); there are no resource caches;</li>
 *   <li>run is planned but errors when run, until prototypes arrive ({@code UnsupportedSteps}).</li>
 * </ul>
 *
 * <p>Vars: each build has {@code BuildVariables}, local vars ({@code ((.:name))}) in scopes over
 * the credential vars the engine gives {@code BuildRun}; steps interpolate what they use when they
 * start ({@code StepVars}), every var required, and nothing interpolated is stored. The engine
 * owns everything outside the build: {@code set_pipeline} saves through {@link
 * dev.concourse.internal.exec.PipelineSetter}, which the engine implements.
 * Like Concourse, {@code on_abort} and {@code on_error} hooks (and {@code ensure} after a
 * cancellation) run detached from the build's cancellation, so aborting the build again does not
 * stop them.
 */
package dev.concourse.internal.exec;
