package dev.concourse.internal.check;

import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import java.time.Instant;
import java.util.List;

/**
 * How one check of a resource ended.
 *
 * @param scopeId  the version history the versions went to, 0 if the check failed before it had one
 * @param found    what the check reported, oldest first; empty when it failed
 * @param saved    the versions that were new to the history, as saved, oldest first
 * @param error    why it failed, naming the resource and pipeline; null when it succeeded
 * @param stderr   the end of what the check wrote to stderr, empty if nothing
 * @param finished when it ended
 */
public record CheckOutcome(long scopeId, List<Version> found, List<ResourceVersion> saved, String error,
        String stderr, Instant finished) {

    public CheckOutcome {
        found = List.copyOf(found);
        saved = List.copyOf(saved);
        stderr = stderr == null ? "" : stderr;
    }

    public boolean succeeded() {
        return error == null;
    }

    /** The error as recorded with the resource: the message, then the end of stderr if there was any. */
    public String recordedError() {
        if (error == null) {
            return null;
        }
        return stderr.isBlank() ? error : error + "\nstderr:\n" + stderr.stripTrailing();
    }
}
