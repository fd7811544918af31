package dev.concourse.testkit.conformance;

import dev.concourse.credentials.EnvironmentCredentials;
import dev.concourse.spi.credentials.CredentialManager;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link EnvironmentCredentials} against the credential manager kit, on a map standing for the
 * environment. Environment variables hold strings only, so the kit's map tests check that instead.
 */
class EnvironmentCredentialsConformanceTest extends CredentialManagerConformanceTests {
    private static final String PREFIX = "CONCOURSE_";

    @Override
    protected CredentialManager createManager(Map<String, Object> secretsByPath) {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", "/usr/bin:/bin");
        environment.put("HOME", "/home/ci");
        secretsByPath.forEach((path, value) -> {
            if (!(value instanceof String text)) {
                throw new IllegalArgumentException("environment variables hold strings only, not " + value);
            }
            environment.put(EnvironmentCredentials.variableName(PREFIX, path), text);
        });
        return new EnvironmentCredentials(PREFIX, environment);
    }

    @Override
    protected boolean supportsMaps() {
        return false;
    }
}
