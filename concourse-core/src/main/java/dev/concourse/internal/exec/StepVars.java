package dev.concourse.internal.exec;

import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.vars.InterpolationOptions;
import dev.concourse.vars.UndefinedVarsException;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.VarsException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Interpolates what a step is about to use with the vars of its scope, when it runs (never when
 * it is planned, and the result is never stored): every var must be defined, as Concourse
 * evaluates plans with {@code ExpectAllKeys}. Failures become {@link StepFailure}s whose message
 * says what was being interpolated, which vars are missing and where to define them; values never
 * appear in them (the build's events are redacted besides).
 */
final class StepVars {

    private StepVars() {
    }

    /**
     * A plain tree with every {@code ((var))} replaced.
     *
     * @param what what the tree is, for messages: {@code task config of task 'test'}
     */
    static Object tree(RunContext run, Object tree, String what) {
        try {
            return VarInterpolator.evaluate(tree, run.vars, InterpolationOptions.defaults().withExpectAllKeys(true));
        } catch (UndefinedVarsException e) {
            throw undefined(what, e);
        } catch (VarsException | CredentialLookupException e) {
            throw new StepFailure("failed to interpolate " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * A string with every {@code ((var))} replaced; a string that is one var whose value is a
     * number gives the number's text, any other non-string value is an error.
     */
    static String string(RunContext run, String value, String what) {
        if (value == null || !value.contains("((")) {
            return value;
        }
        Object result = tree(run, value, what);
        if (result instanceof String s) {
            return s;
        }
        if (result instanceof Integer || result instanceof Long || result instanceof BigInteger
                || result instanceof BigDecimal) {
            return result.toString();
        }
        throw new StepFailure("failed to interpolate " + what + ": '" + value + "' must be a string, but its var holds "
                + (result == null ? "null" : "a " + kind(result)));
    }

    private static StepFailure undefined(String what, UndefinedVarsException e) {
        List<String> local = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String name : e.varNames()) {
            (name.startsWith(".:") ? local : other).add(name);
        }
        StringBuilder message = new StringBuilder("failed to interpolate ").append(what).append(": ")
                .append(e.getMessage());
        if (!other.isEmpty()) {
            message.append("; define ").append(other.size() == 1 ? "it" : "them").append(" in a credential manager "
                    + "registered with the engine (CredentialManager), in one of the pipeline's var_sources "
                    + "(((source:name))), or as a var when the pipeline is set");
        }
        if (!local.isEmpty()) {
            message.append("; ").append(String.join(", ", local)).append(local.size() == 1 ? " is a local var" :
                    " are local vars").append(": set ").append(local.size() == 1 ? "it" : "them")
                    .append(" with a load_var step or across before this step");
        }
        return new StepFailure(message.toString(), e);
    }

    private static String kind(Object value) {
        if (value instanceof Map<?, ?>) {
            return "map";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        return value instanceof Boolean ? "bool" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }
}
