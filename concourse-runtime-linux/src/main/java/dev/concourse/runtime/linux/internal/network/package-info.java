/**
 * Bridge networking for runc containers: a named network namespace per container with a veth
 * pair on a Linux bridge, addresses from a file-backed pool, and iptables rules in chains of the
 * bridge's own. The runtime's entry point is {@link
 * dev.concourse.runtime.linux.internal.network.BridgeNetwork}.
 */
package dev.concourse.runtime.linux.internal.network;
