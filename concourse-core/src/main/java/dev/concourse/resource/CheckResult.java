package dev.concourse.resource;

import dev.concourse.ResourceRef;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a check of a resource went ({@code dev.concourse.Resources#check}). Immutable.
 *
 * @param resource the resource checked
 * @param found    the versions the check reported, oldest first (it reports the version it checked
 *                 from again while that is still valid); empty when it failed
 * @param saved    the versions that were new to the resource's history, as saved, oldest first:
 *                 the last is its newest version; empty when nothing new was found or it failed
 * @param error    why it failed, naming the resource and pipeline, with the end of what the check
 *                 wrote to stderr; null when it succeeded. The same text is the resource's
 *                 {@link dev.concourse.Resource#checkError()}
 * @param finished when it ended, the resource's {@link dev.concourse.Resource#lastChecked()}
 */
public record CheckResult(ResourceRef resource, List<Version> found, List<ResourceVersion> saved, String error,
        Instant finished) {

    public CheckResult {
        Objects.requireNonNull(resource, "resource");
        found = List.copyOf(found);
        saved = List.copyOf(saved);
        Objects.requireNonNull(finished, "finished");
    }

    /** Whether the check ran and its versions were saved. */
    public boolean succeeded() {
        return error == null;
    }
}
