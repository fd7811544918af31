/**
 * Internals of {@link dev.concourse.vars}: reading YAML the way fly does for vars files and var
 * flags. Not API.
 */
package dev.concourse.internal.vars;
