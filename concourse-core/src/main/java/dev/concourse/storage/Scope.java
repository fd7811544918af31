package dev.concourse.storage;

import dev.concourse.resource.ResourceVersion;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * One version history: its versions by id and by check order. Guarded by {@link Transactions}'
 * lock and changed only through its undoable operations, like {@link Tables}.
 */
final class Scope {
    final long id;
    final String key;
    /** The resources and resource types that read from it; the scope is dropped when none is left. */
    final Set<Long> users = new HashSet<>();
    final Map<Long, ResourceVersion> byVersionId = new HashMap<>();
    final NavigableMap<Long, ResourceVersion> byCheckOrder = new TreeMap<>();

    Scope(long id, String key) {
        this.id = id;
        this.key = key;
    }

    /** The check order a version placed on top gets: one above the highest, as Concourse's {@code max + 1}. */
    long nextCheckOrder() {
        return byCheckOrder.isEmpty() ? 1 : byCheckOrder.lastKey() + 1;
    }
}
