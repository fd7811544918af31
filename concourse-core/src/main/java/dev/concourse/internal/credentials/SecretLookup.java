package dev.concourse.internal.credentials;

import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import dev.concourse.vars.Variables;
import java.util.List;
import java.util.Optional;

/**
 * One manager asked for one var of one build through its lookup paths, first found wins
 * (Concourse's {@code VariableLookupFromSecrets}).
 *
 * @param manager   the manager (already wrapped with retries and cache)
 * @param templates its lookup templates, read once
 * @param team      the build's team
 * @param pipeline  the build's pipeline, or null
 * @param label     how messages name the manager, such as {@code credential manager 'vault'}
 */
record SecretLookup(CredentialManager manager, List<LookupTemplate> templates, String team, String pipeline,
        String label) {

    static SecretLookup of(CredentialManager manager, String team, String pipeline, String label) {
        return new SecretLookup(manager, List.copyOf(manager.lookupTemplates()), team, pipeline, label);
    }

    /** The var's value ({@link Variables#NULL} for null), or empty if no path has it. */
    Optional<Object> find(String varName) {
        if (templates.isEmpty()) {
            return ask(varName, varName);
        }
        for (LookupTemplate template : templates) {
            Optional<String> path = template.expand(team, pipeline, varName);
            if (path.isEmpty()) {
                continue;
            }
            Optional<Object> value = ask(varName, path.get());
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private Optional<Object> ask(String varName, String path) {
        Optional<Secret> secret;
        try {
            secret = manager.lookup(path);
        } catch (RuntimeException e) {
            boolean retryable = !(e instanceof CredentialLookupException failure) || failure.retryable();
            throw new CredentialLookupException("cannot resolve var '" + varName + "' for team '" + team + "'"
                    + (pipeline == null ? "" : ", pipeline '" + pipeline + "'") + ": " + label
                    + " failed to look up '" + path + "': " + e.getMessage(), e, retryable);
        }
        return secret.map(s -> s.value() == null ? Variables.NULL : s.value());
    }
}
