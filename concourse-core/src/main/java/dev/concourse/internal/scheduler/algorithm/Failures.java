package dev.concourse.internal.scheduler.algorithm;

import java.util.Map;
import java.util.TreeMap;

/** Concourse's resolution failure messages, word for word. */
final class Failures {

    static final String LATEST_VERSION_NOT_FOUND = "latest version of resource not found";
    static final String VERSION_NOT_FOUND = "version of resource not found";
    static final String NO_SATISFIABLE_BUILDS = "no satisfiable builds from passed jobs found for set of inputs";

    private Failures() {
    }

    /** {@code pinned version k1:v1 k2:v2 not found}; keys sorted, as Go's map order is not fixed. */
    static String pinnedVersionNotFound(Map<String, String> pinned) {
        StringBuilder text = new StringBuilder("pinned version");
        new TreeMap<>(pinned).forEach((k, v) -> text.append(' ').append(k).append(':').append(v));
        return text.append(" not found").toString();
    }
}
