package dev.concourse.credentials;

import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Secrets held in memory, by path (Concourse's {@code dummy} credential manager): for tests,
 * samples and values an application already has.
 *
 * <p>Keys are full lookup paths. With the default lookup templates, {@code ((github-token))} in
 * pipeline {@code ci} of team {@code main} finds the key {@code /main/ci/github-token}, else
 * {@code /main/github-token}:
 *
 * <pre>{@code
 * StaticCredentials.of(Map.of(
 *         "/main/ci/github-token", "ghp_...",
 *         "/main/registry", Map.of("user", "ci", "password", "...")))   // ((registry.user))
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@code with...} methods return a new instance. The values are
 * copied as {@link Secret#of(Object)} copies them.
 */
public final class StaticCredentials implements CredentialManager {

    private final String id;
    private final Map<String, Secret> secrets;
    private final List<LookupTemplate> templates;

    private StaticCredentials(String id, Map<String, Secret> secrets, List<LookupTemplate> templates) {
        this.id = id;
        this.secrets = secrets;
        this.templates = templates;
    }

    /**
     * The given secrets, id {@code static}, the default lookup templates.
     *
     * @param secrets lookup path to plain value (see {@link Secret}); null values are allowed
     * @throws IllegalArgumentException if a value is not plain data
     */
    public static StaticCredentials of(Map<String, ?> secrets) {
        Objects.requireNonNull(secrets, "secrets");
        Map<String, Secret> copy = new LinkedHashMap<>();
        secrets.forEach((path, value) -> copy.put(Objects.requireNonNull(path, "path"), Secret.of(value)));
        return new StaticCredentials("static", Collections.unmodifiableMap(copy), LookupTemplate.defaults());
    }

    /** These secrets under another {@link #id()}, for an engine with several static managers. */
    public StaticCredentials withId(String id) {
        return new StaticCredentials(Objects.requireNonNull(id, "id"), secrets, templates);
    }

    /**
     * These secrets looked up with other templates, tried in order.
     *
     * @throws IllegalArgumentException if a template is invalid, see {@link LookupTemplate#parse}
     */
    public StaticCredentials withLookupTemplates(String... templates) {
        return new StaticCredentials(id, secrets, LookupTemplate.parseAll(List.of(templates)));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<Secret> lookup(String path) {
        return Optional.ofNullable(secrets.get(path));
    }

    @Override
    public List<LookupTemplate> lookupTemplates() {
        return templates;
    }

    /** The paths only: values are secrets. */
    @Override
    public String toString() {
        return "StaticCredentials[" + id + ", paths=" + secrets.keySet() + "]";
    }
}
