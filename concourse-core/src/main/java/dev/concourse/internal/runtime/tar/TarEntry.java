package dev.concourse.internal.runtime.tar;

/**
 * One member of a tar archive, as read (names are raw: not yet checked or normalised).
 *
 * @param name     the member's path inside the archive ({@code dir/} for directories)
 * @param type     what it is
 * @param mode     permission bits including set-user-id, set-group-id and sticky ({@code 07777})
 * @param size     bytes of content (0 for anything but regular files)
 * @param mtime    modification time, seconds since the epoch
 * @param linkName target of a symbolic or hard link, else empty
 * @param uid      numeric owner
 * @param gid      numeric group
 */
record TarEntry(String name, Type type, int mode, long size, long mtime, String linkName, long uid, long gid) {

    enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }
}
