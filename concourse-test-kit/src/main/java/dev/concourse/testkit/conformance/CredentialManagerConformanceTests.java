package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link CredentialManager} must have, as JUnit Jupiter tests: values found at
 * their paths, whole maps for vars with fields, missing paths as empty results (not failures), the
 * paths the default lookup templates make, a stable {@link CredentialManager#id() id}, valid
 * {@link CredentialManager#lookupTemplates() templates}, consistent answers under concurrency and
 * values kept out of {@code toString()}. The engine relies on nothing else; retries, caching and
 * redaction are the engine's, so they are not tested here.
 *
 * <p>To check a manager, subclass this kit in your test sources and say how to make a manager that
 * holds exactly the given secrets, by lookup path (write them to your store, a directory, a map of
 * environment variables...):
 *
 * <pre>{@code
 * class VaultCredentialsConformanceTest extends CredentialManagerConformanceTests {
 *     @Override
 *     protected CredentialManager createManager(Map<String, Object> secretsByPath) {
 *         secretsByPath.forEach((path, value) -> vault.write("secret/data" + path, value));
 *         return new VaultCredentials(vault.url(), vault.token());
 *     }
 * }
 * }</pre>
 *
 * <p>Paths start with {@code /} and have segments of lower-case letters, digits and {@code -}.
 * Values are strings, or maps from field names to strings and nested maps of the same kind, each
 * map with at least one field. A store that can only hold strings (environment variables) overrides
 * {@link #supportsMaps()} to return false: the kit then never passes it a map, and checks instead
 * that every value it returns is a string. {@link #createManager(Map)} may be called several times
 * in one test; each call stands for a store holding just those secrets. The concurrency test uses
 * 8 threads and waits at most a minute for them.
 */
public abstract class CredentialManagerConformanceTests {
    private static final int THREADS = 8;
    private static final String PIPELINE_TOKEN = "pipeline-token-5f3a9c";
    private static final String TEAM_TOKEN = "team-token-81d0e4";

    /**
     * A manager holding exactly {@code secretsByPath}: {@code lookup(path)} finds each value, and
     * nothing else is stored.
     *
     * @param secretsByPath lookup paths (such as {@code /main/ci/token}) to values: strings, or maps
     *                      of strings and nested maps (never passed when {@link #supportsMaps()}
     *                      is false)
     */
    protected abstract CredentialManager createManager(Map<String, Object> secretsByPath);

    /**
     * Whether the store can hold a map at a path (for {@code ((creds.user))}). Return false for a
     * store that holds strings only, and document that limitation on the manager.
     */
    protected boolean supportsMaps() {
        return true;
    }

    @Test
    void aStringValueIsFoundAtItsPath() {
        CredentialManager manager = createManager(Map.of(
                "/main/ci/github-token", "ghp-conformance-1234",
                "/main/other-secret", "other-value-9876"));

        assertThat(manager.lookup("/main/ci/github-token")).map(Secret::value).contains("ghp-conformance-1234");
        assertThat(manager.lookup("/main/other-secret")).map(Secret::value).contains("other-value-9876");
    }

    @Test
    void aMapValueIsReturnedWholeWithItsNestedFields() {
        if (!supportsMaps()) {
            // The documented limitation, checked rather than assumed: this store's values are strings.
            CredentialManager manager = createManager(Map.of("/main/registry", "user-and-password-in-one"));
            assertThat(manager.lookup("/main/registry"))
                    .as("a manager without maps returns strings only")
                    .map(Secret::value).get().isInstanceOf(String.class).isEqualTo("user-and-password-in-one");
            return;
        }
        Map<String, Object> registry = new LinkedHashMap<>();
        registry.put("user", "ci-user");
        registry.put("password", "registry-password-42");
        registry.put("tls", Map.of("ca", "ca-certificate-text", "key", "tls-key-text"));
        CredentialManager manager = createManager(Map.of("/main/registry", registry));

        Optional<Secret> found = manager.lookup("/main/registry");

        assertThat(found).as("lookup(/main/registry)").isPresent();
        assertThat(found.get().value()).isInstanceOf(Map.class);
        assertThat(found.get().value()).isEqualTo(Map.of(
                "user", "ci-user",
                "password", "registry-password-42",
                "tls", Map.of("ca", "ca-certificate-text", "key", "tls-key-text")));
    }

    @Test
    void aMissingPathIsEmptyNotAFailure() {
        CredentialManager manager = createManager(Map.of("/main/ci/present", "present-value"));

        assertThat(manager.lookup("/main/ci/absent")).isEmpty();
        assertThat(manager.lookup("/other-team/ci/present")).isEmpty();
        assertThat(manager.lookup("/main/present")).as("a pipeline's secret is not the team's").isEmpty();
    }

    @Test
    void aManagerWithNoSecretsFindsNothing() {
        CredentialManager manager = createManager(Map.of());

        assertThat(manager.lookup("/main/ci/token")).isEmpty();
        assertThat(manager.lookup("/main/token")).isEmpty();
    }

    @Test
    void thePathsOfTheDefaultLookupTemplatesAreFoundSeparately() {
        Map<String, Object> secrets = new LinkedHashMap<>();
        for (LookupTemplate template : LookupTemplate.defaults()) {
            String path = template.expand("main", "ci", "token").orElseThrow();
            secrets.put(path, template.needsPipeline() ? PIPELINE_TOKEN : TEAM_TOKEN);
        }
        assertThat(secrets).containsOnlyKeys("/main/ci/token", "/main/token");
        CredentialManager manager = createManager(secrets);

        assertThat(manager.lookup("/main/ci/token")).map(Secret::value).contains(PIPELINE_TOKEN);
        assertThat(manager.lookup("/main/token")).map(Secret::value).contains(TEAM_TOKEN);
    }

    @Test
    void thePathsOfTheManagersOwnLookupTemplatesAreFound() {
        List<LookupTemplate> templates = createManager(Map.of()).lookupTemplates();
        Map<String, Object> secrets = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            String path = templates.get(i).expand("main", "ci", "token-" + i).orElseThrow();
            paths.add(path);
            secrets.put(path, "templated-value-" + i);
        }
        CredentialManager manager = createManager(secrets);

        for (int i = 0; i < paths.size(); i++) {
            assertThat(manager.lookup(paths.get(i))).as("lookup(%s)", paths.get(i))
                    .map(Secret::value).contains("templated-value-" + i);
        }
    }

    @Test
    void idIsNonEmptyAndStable() {
        CredentialManager manager = createManager(Map.of("/main/token", "some-value-1"));
        CredentialManager other = createManager(Map.of("/main/ci/token", "some-value-2"));

        assertThat(manager.id()).isNotBlank();
        assertThat(manager.id()).isEqualTo(manager.id());
        manager.lookup("/main/token");
        assertThat(manager.id()).as("id after a lookup").isEqualTo(other.id());
        assertThat(manager.id()).as("the id is a name, not a secret").doesNotContain("some-value");
    }

    @Test
    void lookupTemplatesAreValidAndEachUsesTheSecretPlaceholder() {
        CredentialManager manager = createManager(Map.of());

        List<LookupTemplate> templates = manager.lookupTemplates();

        assertThat(templates).isNotNull().doesNotContainNull();
        assertThat(templates).allSatisfy(template -> {
            assertThat(template.template()).containsPattern("\\{\\{\\s*\\.Secret\\s*\\}\\}");
            assertThat(template.expand("main", "ci", "token")).get().asString().contains("token");
        });
        assertThat(manager.lookupTemplates()).as("a second call").isEqualTo(templates);
    }

    @Test
    void concurrentLookupsGiveTheSameAnswersAsOneThread() throws Exception {
        Map<String, Object> secrets = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            secrets.put("/main/ci/secret-" + i, "value-" + i + "-c0ncurrent");
        }
        if (supportsMaps()) {
            secrets.put("/main/creds", Map.of("user", "u-1", "password", "p-1"));
        }
        CredentialManager manager = createManager(secrets);
        List<String> paths = new ArrayList<>(secrets.keySet());
        paths.add("/main/ci/missing-1");
        paths.add("/main/missing-2");
        Map<String, Optional<Object>> expected = new LinkedHashMap<>();
        for (String path : paths) {
            expected.put(path, manager.lookup(path).map(Secret::value));
        }

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Map<String, Optional<Object>>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    Map<String, Optional<Object>> seen = new LinkedHashMap<>();
                    for (int round = 0; round < 25; round++) {
                        for (int i = 0; i < paths.size(); i++) {
                            String path = paths.get((i + offset) % paths.size());
                            Optional<Object> value = manager.lookup(path).map(Secret::value);
                            Optional<Object> before = seen.putIfAbsent(path, value);
                            if (before != null && !before.equals(value)) {
                                throw new AssertionError("lookup(" + path + ") changed between calls of one thread");
                            }
                        }
                    }
                    return seen;
                }));
            }
            start.countDown();
            for (Future<Map<String, Optional<Object>>> future : futures) {
                assertThat(future.get(1, TimeUnit.MINUTES)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(expected.get("/main/ci/secret-7")).contains("value-7-c0ncurrent");
        assertThat(expected.get("/main/ci/missing-1")).isEmpty();
    }

    @Test
    void valuesAreNotShownByToString() {
        Map<String, Object> secrets = new LinkedHashMap<>();
        secrets.put("/main/ci/token", "hidden-string-3e7b1f");
        if (supportsMaps()) {
            secrets.put("/main/creds", Map.of("password", "hidden-field-a94c02"));
        }
        CredentialManager manager = createManager(secrets);

        for (String path : secrets.keySet()) {
            Secret secret = manager.lookup(path).orElseThrow(() -> new AssertionError("nothing at " + path));
            assertThat(secret.toString()).as("Secret.toString() of %s", path)
                    .doesNotContain("hidden-string-3e7b1f").doesNotContain("hidden-field-a94c02");
        }
        assertThat(manager.toString()).as("the manager's toString()")
                .doesNotContain("hidden-string-3e7b1f").doesNotContain("hidden-field-a94c02");
    }
}
