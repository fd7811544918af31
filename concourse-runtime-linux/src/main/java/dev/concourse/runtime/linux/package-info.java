/**
 * Real Linux containers for the engine: {@code runc} bundles on overlay volumes, user namespaces,
 * cgroup limits and bridge networking. Needs root on the worker machine.
 */
package dev.concourse.runtime.linux;
