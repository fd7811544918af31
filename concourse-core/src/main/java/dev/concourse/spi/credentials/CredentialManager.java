package dev.concourse.spi.credentials;

import java.util.List;
import java.util.Optional;

/**
 * A store of secrets that {@code ((var))} references without a var source resolve against at build
 * run time: Vault, a cloud secret store, environment variables, mounted files (Concourse's
 * credential managers).
 *
 * <p>How a var becomes a lookup: for {@code ((github-token))} in a build of pipeline {@code ci} of
 * team {@code main}, the engine expands each of {@link #lookupTemplates()} in order, by default
 * {@code /main/ci/github-token} then {@code /main/github-token}, and calls {@link #lookup(String)}
 * with each path until one is found; the first found wins, and only then is the next manager
 * asked. Templates that need a pipeline are skipped for builds without one (one-off builds). Fields
 * ({@code ((creds.user))}) are read by the engine from the returned value, so a manager returns
 * the whole value stored at the path.
 *
 * <p>The engine wraps every manager: failed lookups are retried with backoff, results may be
 * cached (bounded by {@link Secret#expiresAt()}), and every value returned is redacted from the
 * build's events. Implementations therefore just ask their store, once.
 *
 * <p>Implementations must be thread-safe: parallel steps of many builds look up at once. The
 * engine never calls a manager with a null path.
 */
public interface CredentialManager {

    /**
     * A short, stable name for this manager, unique within an engine, such as {@code vault} or
     * {@code env}. It appears in error messages and settings; it is not a var source name.
     */
    String id();

    /**
     * Looks up the secret stored at {@code path}.
     *
     * @param path a path made from one of {@link #lookupTemplates()}, such as
     *             {@code /main/ci/github-token}; never null
     * @return the secret, or empty when nothing is stored there (the engine then tries the next
     *     path, then the next manager)
     * @throws CredentialLookupException when the store cannot answer (unreachable, denied, a value
     *     it cannot read); the engine retries it unless it is not
     *     {@linkplain CredentialLookupException#retryable() retryable}. Other runtime exceptions
     *     are treated as retryable failures too.
     */
    Optional<Secret> lookup(String path);

    /**
     * How a var name becomes paths for {@link #lookup(String)}, tried in order. The default is
     * Concourse's: {@code /{{.Team}}/{{.Pipeline}}/{{.Secret}}} then {@code /{{.Team}}/{{.Secret}}}
     * ({@link LookupTemplate#defaults()}). An empty list means the var name itself is the path.
     *
     * @return the templates, never null; called once per build, so the result may be computed
     */
    default List<LookupTemplate> lookupTemplates() {
        return LookupTemplate.defaults();
    }
}
