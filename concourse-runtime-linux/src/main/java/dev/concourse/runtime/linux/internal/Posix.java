package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** The system calls Java lacks (FIFOs, owners without following links, modes with set-id bits, signals), through jnr-posix. */
final class Posix {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    private Posix() {
    }

    static void mkfifo(String path, int mode) {
        check(POSIX.mkfifo(path, mode), "mkfifo", path);
    }

    /** Changes the owner of a path, not of what a symbolic link points to. */
    static void lchown(String path, int uid, int gid) {
        check(POSIX.lchown(path, uid, gid), "lchown", path);
    }

    static void chmod(String path, int mode) {
        check(POSIX.chmod(path, mode), "chmod", path);
    }

    /** The owner, group and mode of a path, not following a symbolic link. */
    static int[] lstat(String path) {
        jnr.posix.FileStat stat = POSIX.allocateStat();
        check(POSIX.lstat(path, stat), "lstat", path);
        return new int[] {stat.uid(), stat.gid(), stat.mode()};
    }

    static int geteuid() {
        return POSIX.geteuid();
    }

    private static void check(int result, String call, String path) {
        if (result != 0) {
            int errno = POSIX.errno();
            throw new RuntimeOperationException(call + " " + path + " failed: " + POSIX.strerror(errno));
        }
    }
}
