/**
 * Input resolution: which versions a job's next build gets, with Concourse's semantics
 * ({@code atc/scheduler/algorithm}). A pure function of the store's {@link
 * dev.concourse.spi.storage.VersionHistory}.
 */
package dev.concourse.internal.scheduler.algorithm;
