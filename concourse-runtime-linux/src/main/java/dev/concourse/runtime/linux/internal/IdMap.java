package dev.concourse.runtime.linux.internal;

/**
 * Where an unprivileged container's ids live on the host: container id {@code n} is host id
 * {@code hostId + n} for {@code n < size}.
 */
record IdMap(int hostId, int size) {
    IdMap {
        if (hostId <= 0 || size <= 0) {
            throw new IllegalArgumentException("the id range must start above 0 and not be empty: " + hostId + "+"
                    + size);
        }
    }

    /** The host id of a container id; ids beyond the range stay as they are (already shifted). */
    int shift(int id) {
        return id >= 0 && id < size ? hostId + id : id;
    }
}
