/**
 * Built-in credential managers and the engine's credential settings.
 *
 * <ul>
 *   <li>{@link dev.concourse.credentials.StaticCredentials}: secrets in memory, by path
 *       (Concourse's {@code dummy}).</li>
 *   <li>{@link dev.concourse.credentials.EnvironmentCredentials}: environment variables or system
 *       properties with a prefix.</li>
 *   <li>{@link dev.concourse.credentials.DirectoryCredentials}: one file per secret, as mounted
 *       secrets are.</li>
 *   <li>{@link dev.concourse.credentials.CredentialSettings}: caching, retries and redaction.</li>
 * </ul>
 *
 * <p>Write your own by implementing {@link dev.concourse.spi.credentials.CredentialManager}.
 * Everything here is immutable and thread-safe, and nothing accepts or returns null unless its
 * documentation says so.
 */
package dev.concourse.credentials;
