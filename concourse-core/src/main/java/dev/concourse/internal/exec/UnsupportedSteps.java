package dev.concourse.internal.exec;

/**
 * TEMPORARY: get, put, set_pipeline, load_var, run and across need resources and build vars,
 * which arrive with the next version of the executor. Until then they are planned like Concourse
 * plans them (so plan ids and the described plan stay the same) and error when they run. This
 * class goes away when they are implemented.
 */
final class UnsupportedSteps {

    private UnsupportedSteps() {
    }

    static Result run(RunContext run, PlanNode.Unsupported node, Cancellation ctx) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        String message = switch (node.kind()) {
            case "get", "put" -> "the " + node.kind() + " step needs resource support, which is not in this "
                    + "version yet; remove " + node.kind() + "(" + node.name() + ") from the plan or pass the "
                    + "artifact to the build as an input";
            case "set_pipeline" -> "the set_pipeline step is not in this version yet; set pipeline '" + node.name()
                    + "' through the engine's pipeline API instead";
            case "load_var" -> "the load_var step needs build vars, which are not in this version yet; pass '"
                    + node.name() + "' as a static var instead";
            case "across" -> "the across step needs build vars, which are not in this version yet; write one "
                    + "step per value instead";
            default -> "the " + node.kind() + " step is not in this version yet";
        };
        run.errored(node.id(), message);
        return Result.error(StepError.message(message));
    }
}
