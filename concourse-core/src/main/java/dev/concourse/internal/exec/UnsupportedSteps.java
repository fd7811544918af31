package dev.concourse.internal.exec;

/**
 * TEMPORARY: run needs prototypes. Until they arrive it is planned like Concourse plans it (so
 * plan ids and the described plan stay the same) and errors when it runs. This class goes away
 * when it is implemented.
 */
final class UnsupportedSteps {

    private UnsupportedSteps() {
    }

    static Result run(RunContext run, PlanNode.Unsupported node, Cancellation ctx) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        String message = switch (node.kind()) {
            case "run" -> "the run step needs prototypes, which are not in this version yet; use a task step "
                    + "instead";
            default -> "the " + node.kind() + " step is not in this version yet";
        };
        run.errored(node.id(), message);
        return Result.error(StepError.message(message));
    }
}
