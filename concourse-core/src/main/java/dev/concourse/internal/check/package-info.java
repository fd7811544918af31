/**
 * Checking resources and getting resource types ready to run, shared by the engine (checks
 * through the API) and the executor ({@code get} and {@code put} steps):
 * {@link dev.concourse.internal.check.ResourceChecker} checks a resource of a pipeline and saves
 * what it found; {@link dev.concourse.internal.check.ResourceTypeImages} resolves a resource's type
 * through the pipeline's {@code resource_types}, fetching custom types' images with a check and a
 * get and keeping them for the engine's life. Not API.
 */
package dev.concourse.internal.check;
