package dev.concourse.internal.credentials;

import dev.concourse.config.VarSourceConfig;
import dev.concourse.credentials.StaticCredentials;
import dev.concourse.vars.InterpolationOptions;
import dev.concourse.vars.VarRef;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the {@link Variables} behind one of a pipeline's {@code var_sources}, reached as
 * {@code ((name:path))}.
 *
 * <p>Only type {@code dummy} can run inside the engine: its {@code config.vars} map is the
 * secrets, looked up as Concourse's dummy manager does ({@code team/pipeline/path}, then
 * {@code team/path}, then {@code path}). Other types (vault, ssm, ...) fail when first used, saying
 * to register a credential manager instead.
 *
 * <p>The config is interpolated first, with the build's credential vars (so a var source can take
 * its settings from a credential manager or an earlier var source), and every var it uses must be
 * found.
 */
final class VarSourceFactory {

    private static final String[] DUMMY_TEMPLATES = {"{{.Team}}/{{.Pipeline}}/{{.Secret}}", "{{.Team}}/{{.Secret}}",
        "{{.Secret}}"};

    private VarSourceFactory() {
    }

    /**
     * The vars of a var source for one build.
     *
     * @param source     the var source
     * @param team       the build's team
     * @param pipeline   the build's pipeline
     * @param configVars what {@code ((vars))} in the source's config resolve against
     * @throws VarsException if the type is not available here or the config is invalid
     */
    static Variables create(VarSourceConfig source, String team, String pipeline, Variables configVars) {
        String type = source.type() == null ? "" : source.type();
        if (!type.equals("dummy")) {
            throw new VarsException("var source '" + source.name() + "' is of type '" + type + "': var source type "
                    + type + " is not available in this engine; register a CredentialManager with the engine "
                    + "and write its vars without a source, ((name)), or use a var source of type 'dummy'");
        }
        Object config;
        try {
            config = VarInterpolator.evaluate(source.config(), configVars,
                    InterpolationOptions.defaults().withExpectAllKeys(true));
        } catch (VarsException e) {
            throw new VarsException("var source '" + source.name() + "': cannot resolve the vars in its config: "
                    + e.getMessage(), e);
        }
        Object vars = config instanceof Map<?, ?> map ? map.get("vars") : null;
        if (!(vars instanceof Map<?, ?> varsMap)) {
            throw new VarsException("var source '" + source.name() + "' of type 'dummy' needs config.vars, a map "
                    + "of var names to values");
        }
        Map<String, Object> secrets = new LinkedHashMap<>();
        varsMap.forEach((name, value) -> secrets.put(String.valueOf(name), value));
        StaticCredentials manager = StaticCredentials.of(secrets).withId(source.name())
                .withLookupTemplates(DUMMY_TEMPLATES);
        SecretLookup lookup = SecretLookup.of(manager, team, pipeline, "var source '" + source.name() + "'");
        return new Variables() {
            @Override
            public Optional<Object> get(VarRef ref) {
                return lookup.find(ref.path());
            }

            @Override
            public String toString() {
                return "var source " + source.name();
            }
        };
    }
}
