/**
 * How builds resolve {@code ((vars))} against credential managers and {@code var_sources}:
 * {@link dev.concourse.internal.credentials.EngineCredentials} holds an engine's managers wrapped
 * with retries and a cache, and makes a
 * {@link dev.concourse.internal.credentials.CredentialVariables} per build.
 */
package dev.concourse.internal.credentials;
