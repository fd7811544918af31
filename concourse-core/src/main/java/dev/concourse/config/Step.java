package dev.concourse.config;

/**
 * One step of a job's plan. Core steps ({@link GetStep}, {@link PutStep}, {@link TaskStep},
 * {@link RunStep}, {@link SetPipelineStep}, {@link LoadVarStep}) do work; composite steps
 * ({@link DoStep}, {@link InParallelStep}, {@link TryStep}) arrange other steps; modifiers
 * ({@link AcrossStep}, {@link RetryStep}, {@link TimeoutStep}, {@link HookStep}) wrap the step
 * written beside them in the same YAML mapping.
 *
 * <p>Modifiers nest in Concourse's key precedence: {@code ensure}, {@code on_error},
 * {@code on_abort}, {@code on_failure}, {@code on_success}, {@code across}, {@code attempts},
 * then the core step ({@code timeout} wraps only steps without a timeout field of their own).
 * So {@code {task: t, attempts: 3, on_failure: f}} is {@code HookStep(ON_FAILURE, RetryStep(3, TaskStep))}.
 */
public sealed interface Step
        permits GetStep, PutStep, TaskStep, RunStep, SetPipelineStep, LoadVarStep,
                DoStep, InParallelStep, TryStep,
                AcrossStep, RetryStep, TimeoutStep, HookStep {

    /** A short label for messages and logs, such as {@code get(repo)} or {@code task(unit)}. */
    String label();
}
