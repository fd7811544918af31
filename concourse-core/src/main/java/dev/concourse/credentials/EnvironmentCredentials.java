package dev.concourse.credentials;

import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Secrets from environment variables (or system properties) whose names start with a prefix: the
 * twelve-factor way to hand a few secrets to an engine.
 *
 * <p>The mapping from a lookup path to a name: leading {@code /} are dropped, the prefix is put
 * in front, then every ASCII letter is upper-cased and every other character that is not an
 * ASCII letter or digit becomes {@code _}. With prefix {@code CONCOURSE_} and the default lookup
 * templates, {@code ((github-token))} in pipeline {@code ci} of team {@code main} is read from
 * {@code CONCOURSE_MAIN_CI_GITHUB_TOKEN}, else {@code CONCOURSE_MAIN_GITHUB_TOKEN}. The names of
 * the given variables are normalized the same way, so the system property
 * {@code concourse.main.github-token} is found too. Put the separator in the prefix
 * ({@code CONCOURSE_}, not {@code CONCOURSE}). Different paths can map to the same name
 * ({@code github-token} and {@code github_token}); they then read the same variable.
 *
 * <p>Values are strings. Only variables whose normalized name starts with the normalized prefix
 * are kept; an empty prefix makes every variable a candidate, which is rarely what you want.
 *
 * <p>The variables are copied when the instance is made: later changes are not seen. Immutable
 * and thread-safe.
 */
public final class EnvironmentCredentials implements CredentialManager {

    private final String id;
    private final String prefix;
    private final Map<String, String> values;
    private final List<LookupTemplate> templates;

    /**
     * Secrets from the given variables.
     *
     * @param prefix    the prefix of the names to use, such as {@code CONCOURSE_}; may be empty
     * @param variables names to values, for example {@link System#getenv()}
     * @throws IllegalArgumentException if two names with the prefix normalize to the same name
     *     (the message names both variables, not their values)
     */
    public EnvironmentCredentials(String prefix, Map<String, String> variables) {
        this("env", Objects.requireNonNull(prefix, "prefix"), normalizeAll(normalize(prefix), variables),
                LookupTemplate.defaults());
    }

    private EnvironmentCredentials(String id, String prefix, Map<String, String> values,
            List<LookupTemplate> templates) {
        this.id = id;
        this.prefix = prefix;
        this.values = values;
        this.templates = templates;
    }

    /** Secrets from the process's environment variables ({@link System#getenv()}) with the prefix. */
    public static EnvironmentCredentials fromSystemEnvironment(String prefix) {
        return new EnvironmentCredentials(prefix, System.getenv());
    }

    /**
     * Secrets from the JVM's system properties with the prefix, as they are now: with prefix
     * {@code concourse.}, the property {@code concourse.main.github-token} is the secret
     * {@code /main/github-token}. The instance's {@link #id()} is {@code system-properties}.
     */
    public static EnvironmentCredentials fromSystemProperties(String prefix) {
        Properties properties = System.getProperties();
        Map<String, String> copy = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            copy.put(name, properties.getProperty(name));
        }
        return new EnvironmentCredentials(prefix, copy).withId("system-properties");
    }

    /**
     * The variable name a lookup path is read from, as described on the class:
     * {@code variableName("CONCOURSE_", "/main/ci/github-token")} is
     * {@code CONCOURSE_MAIN_CI_GITHUB_TOKEN}.
     */
    public static String variableName(String prefix, String path) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(path, "path");
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return normalize(prefix) + normalize(path.substring(start));
    }

    /** These secrets under another {@link #id()}. */
    public EnvironmentCredentials withId(String id) {
        return new EnvironmentCredentials(Objects.requireNonNull(id, "id"), prefix, values, templates);
    }

    /**
     * These secrets looked up with other templates, tried in order.
     *
     * @throws IllegalArgumentException if a template is invalid, see {@link LookupTemplate#parse}
     */
    public EnvironmentCredentials withLookupTemplates(String... templates) {
        return new EnvironmentCredentials(id, prefix, values, LookupTemplate.parseAll(List.of(templates)));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<Secret> lookup(String path) {
        String value = values.get(variableName(prefix, path));
        return value == null ? Optional.empty() : Optional.of(Secret.of(value));
    }

    @Override
    public List<LookupTemplate> lookupTemplates() {
        return templates;
    }

    /** The prefix and how many variables have it; never names or values. */
    @Override
    public String toString() {
        return "EnvironmentCredentials[" + id + ", prefix=" + prefix + ", " + values.size() + " variables]";
    }

    private static Map<String, String> normalizeAll(String normalizedPrefix, Map<String, String> variables) {
        Objects.requireNonNull(variables, "variables");
        Map<String, String> values = new HashMap<>();
        Map<String, String> originalNames = new HashMap<>();
        variables.forEach((name, value) -> {
            if (name == null || value == null) {
                return;
            }
            String key = normalize(name);
            if (!key.startsWith(normalizedPrefix)) {
                return;
            }
            String other = originalNames.putIfAbsent(key, name);
            if (other != null) {
                throw new IllegalArgumentException("variables '" + other + "' and '" + name + "' both stand for "
                        + key + "; remove one of them");
            }
            values.put(key, value);
        });
        return Collections.unmodifiableMap(values);
    }

    private static String normalize(String name) {
        char[] out = new char[name.length()];
        for (int i = 0; i < out.length; i++) {
            char c = name.charAt(i);
            if (c >= 'a' && c <= 'z') {
                out[i] = (char) (c - 'a' + 'A');
            } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                out[i] = c;
            } else {
                out[i] = '_';
            }
        }
        return new String(out);
    }
}
