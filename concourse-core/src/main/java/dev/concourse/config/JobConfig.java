package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;

/**
 * A job: a plan of steps that runs as builds ({@code jobs}).
 *
 * @param name                 the job's name
 * @param oldName              {@code old_name}: the previous name whose builds it keeps, or null
 * @param isPublic             {@code public}: builds visible to everyone
 * @param disableManualTrigger {@code disable_manual_trigger}
 * @param disableReruns        {@code disable_reruns}
 * @param serial               {@code serial}: at most one build at a time
 * @param interruptible        {@code interruptible}: workers may land without waiting for it
 * @param serialGroups         {@code serial_groups}: builds of all jobs in a group run one at a time
 * @param maxInFlight          {@code max_in_flight}, 0 when unset (unlimited)
 * @param tags                 worker tags inherited by every step
 * @param buildLogsToRetain    deprecated {@code build_logs_to_retain}, 0 when unset
 * @param buildLogRetention    {@code build_log_retention}, or null
 * @param plan                 {@code plan}: the steps, in order
 * @param onSuccess            {@code on_success} hook, or null
 * @param onFailure            {@code on_failure} hook, or null
 * @param onAbort              {@code on_abort} hook, or null
 * @param onError              {@code on_error} hook, or null
 * @param ensure               {@code ensure} hook, or null
 */
public record JobConfig(
        String name,
        String oldName,
        boolean isPublic,
        boolean disableManualTrigger,
        boolean disableReruns,
        boolean serial,
        boolean interruptible,
        List<String> serialGroups,
        int maxInFlight,
        List<String> tags,
        int buildLogsToRetain,
        BuildLogRetention buildLogRetention,
        List<Step> plan,
        Step onSuccess,
        Step onFailure,
        Step onAbort,
        Step onError,
        Step ensure) {

    public JobConfig {
        serialGroups = Frozen.list(serialGroups);
        tags = Frozen.list(tags);
        plan = Frozen.list(plan);
    }

    /**
     * How many builds may run at once, as Concourse computes it: 1 when {@code serial} or any
     * {@code serial_groups} is set, otherwise {@code max_in_flight}; 0 means unlimited.
     */
    public int effectiveMaxInFlight() {
        if (serial || !serialGroups.isEmpty()) {
            return 1;
        }
        return maxInFlight;
    }

    /**
     * The whole job as one step, the way Concourse runs it: {@code do: plan} wrapped by the job's
     * hooks, on_success innermost and ensure outermost.
     */
    public Step asStep() {
        Step step = new DoStep(plan, List.of());
        if (onSuccess != null) {
            step = new HookStep(step, HookKind.ON_SUCCESS, onSuccess);
        }
        if (onFailure != null) {
            step = new HookStep(step, HookKind.ON_FAILURE, onFailure);
        }
        if (onAbort != null) {
            step = new HookStep(step, HookKind.ON_ABORT, onAbort);
        }
        if (onError != null) {
            step = new HookStep(step, HookKind.ON_ERROR, onError);
        }
        if (ensure != null) {
            step = new HookStep(step, HookKind.ENSURE, ensure);
        }
        return step;
    }
}
