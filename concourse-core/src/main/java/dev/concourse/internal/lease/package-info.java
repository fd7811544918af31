/**
 * This engine node's leases in the shared store ({@link dev.concourse.spi.storage.LeaseStore}):
 * the ones it holds on started builds and running periodic checks, renewed on a heartbeat, and the
 * periodic work that runs on the same heartbeat (taking over builds of nodes that stopped). Not API.
 */
package dev.concourse.internal.lease;
