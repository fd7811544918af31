/**
 * The credential manager SPI: where {@code ((var))} values that are not set on the pipeline come
 * from at build run time (Concourse's credential managers).
 *
 * <ul>
 *   <li>{@link dev.concourse.spi.credentials.CredentialManager}: looks up one secret by path.</li>
 *   <li>{@link dev.concourse.spi.credentials.LookupTemplate}: how a var name becomes the paths a
 *       manager is asked for, per team and pipeline.</li>
 *   <li>{@link dev.concourse.spi.credentials.Secret}: a value and its optional expiry.</li>
 *   <li>{@link dev.concourse.spi.credentials.CredentialLookupException}: a lookup that failed, as
 *       opposed to a secret that is not there.</li>
 * </ul>
 *
 * <p>Built-in managers are in {@code dev.concourse.credentials}. The engine wraps every manager
 * with retries and an optional cache, and redacts every value it fetched from the build's events;
 * implementations do none of that themselves.
 */
package dev.concourse.spi.credentials;
