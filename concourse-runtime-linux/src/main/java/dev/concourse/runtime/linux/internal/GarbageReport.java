package dev.concourse.runtime.linux.internal;

/**
 * What one garbage collection removed.
 *
 * @param runcContainers runc containers of missing containers or finished processes
 * @param containers     container directories (and their mounts) without a state file
 * @param mounts         overlay mounts under the containers or volumes directory that no container or live
 *                       volume owns
 * @param volumes        volume directories without a state file, and destroyed volumes whose layers no volume
 *                       uses any more
 * @param images         image copies no container uses
 * @param cgroups        empty cgroups of runc containers that are gone
 */
public record GarbageReport(int runcContainers, int containers, int mounts, int volumes, int images, int cgroups) {

    public int total() {
        return runcContainers + containers + mounts + volumes + images + cgroups;
    }
}
