package dev.concourse.testkit.conformance;

import dev.concourse.credentials.StaticCredentials;
import dev.concourse.spi.credentials.CredentialManager;
import java.util.Map;

/** {@link StaticCredentials} against the credential manager kit. */
class StaticCredentialsConformanceTest extends CredentialManagerConformanceTests {

    @Override
    protected CredentialManager createManager(Map<String, Object> secretsByPath) {
        return StaticCredentials.of(secretsByPath);
    }
}
