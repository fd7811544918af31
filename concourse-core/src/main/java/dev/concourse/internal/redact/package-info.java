/**
 * Keeps credential values out of build events: {@link dev.concourse.internal.redact.SecretTracker}
 * records what a build fetched, {@link dev.concourse.internal.redact.RedactingSink} replaces it
 * in the events, also across output chunks.
 */
package dev.concourse.internal.redact;
