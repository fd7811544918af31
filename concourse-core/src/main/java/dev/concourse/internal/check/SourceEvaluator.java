package dev.concourse.internal.check;

import dev.concourse.internal.config.Frozen;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.resource.ResourceException;
import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.vars.InterpolationOptions;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves the {@code ((vars))} of a {@code source} or {@code params} map just before a resource
 * call uses it, as Concourse's {@code creds.NewSource(...).Evaluate()}: every var must be defined.
 * The executor passes one over the build's vars (so fetched secrets are redacted from the build's
 * events); checks through the API use {@link #of(Variables, SecretTracker)}.
 */
@FunctionalInterface
public interface SourceEvaluator {

    /**
     * The map with its vars resolved.
     *
     * @param tree the map as configured
     * @param what what it is, for messages: {@code source of resource 'repo'}
     * @throws RuntimeException whose message names {@code what} and the missing vars
     */
    Map<String, Object> evaluate(Map<String, Object> tree, String what);

    /**
     * {@code text} with the secrets resolved so far replaced by {@code ((redacted))}, for what is
     * stored or shown outside a build's events (a check's recorded error). The default redacts nothing.
     */
    default String redact(String text) {
        return text;
    }

    /**
     * Resolves against {@code variables}, which record what they fetch in {@code tracker};
     * failures are {@link ResourceException}s naming {@code what}; {@link #redact} uses the tracker.
     */
    static SourceEvaluator of(Variables variables, SecretTracker tracker) {
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(tracker, "tracker");
        return new SourceEvaluator() {
            @Override
            public Map<String, Object> evaluate(Map<String, Object> tree, String what) {
                if (tree.isEmpty()) {
                    return tree;
                }
                try {
                    Object result = VarInterpolator.evaluate(tree, variables,
                            InterpolationOptions.defaults().withExpectAllKeys(true));
                    return asMap(result, what);
                } catch (VarsException | CredentialLookupException e) {
                    throw new ResourceException("failed to interpolate " + what + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String redact(String text) {
                return text == null ? null : tracker.redact(text);
            }
        };
    }

    /** A tree an interpolation returned, as the map it must be. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object tree, String what) {
        if (tree instanceof Map<?, ?> map) {
            return Frozen.map((Map<String, ?>) map);
        }
        throw new ResourceException(what + " must be a map once its vars are interpolated, not "
                + (tree == null ? "null" : tree.getClass().getSimpleName()));
    }
}
