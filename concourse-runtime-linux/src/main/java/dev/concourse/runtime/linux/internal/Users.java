package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.util.List;
import java.util.Optional;

/** Turns {@code user}, {@code uid}, {@code user:group} or {@code uid:gid} into ids, from the container's {@code /etc/passwd} and {@code /etc/group}. */
final class Users {

    /** A user of the container. */
    record User(int uid, int gid, String home) {
    }

    private Users() {
    }

    static User resolve(ContainerFiles files, String spec, String where) {
        if (spec == null || spec.isEmpty()) {
            spec = "0";
        }
        String userPart = spec;
        String groupPart = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            userPart = spec.substring(0, colon);
            groupPart = spec.substring(colon + 1);
        }
        List<String> passwd = files.lines("/etc/passwd");
        Optional<String[]> entry = find(passwd, userPart);
        int uid;
        int gid;
        String home;
        if (entry.isPresent()) {
            uid = Integer.parseInt(entry.get()[2]);
            gid = Integer.parseInt(entry.get()[3]);
            home = entry.get().length > 5 && !entry.get()[5].isEmpty() ? entry.get()[5] : "/";
        } else if (isNumber(userPart)) {
            uid = Integer.parseInt(userPart);
            gid = 0;
            home = uid == 0 ? "/root" : "/";
        } else {
            throw new RuntimeOperationException("cannot run " + where + " as user '" + userPart + "': the image's "
                    + "/etc/passwd has no such user; use a user of the image or a numeric uid");
        }
        if (groupPart != null && !groupPart.isEmpty()) {
            Optional<String[]> group = find(files.lines("/etc/group"), groupPart);
            if (group.isPresent()) {
                gid = Integer.parseInt(group.get()[2]);
            } else if (isNumber(groupPart)) {
                gid = Integer.parseInt(groupPart);
            } else {
                throw new RuntimeOperationException("cannot run " + where + " with group '" + groupPart
                        + "': the image's /etc/group has no such group");
            }
        }
        return new User(uid, gid, home);
    }

    private static Optional<String[]> find(List<String> lines, String nameOrId) {
        for (String line : lines) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 4 && (fields[0].equals(nameOrId) || fields[2].equals(nameOrId))
                    && isNumber(fields[2]) && (fields.length < 4 || isNumber(fields[3]) || fields.length == 4)) {
                return Optional.of(fields);
            }
        }
        return Optional.empty();
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(Character::isDigit);
    }
}
