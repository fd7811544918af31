package dev.concourse.db.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which stored row each entry of a new config keeps, as {@code PipelineStore.save} specifies for
 * jobs and resources: by name first, then by {@code old_name} for entries no row matched by name,
 * each row kept by one entry at most.
 *
 * @param rows    per config entry, the row it keeps, or null for a new row
 * @param claimed the ids of every row kept
 */
record NameMatch<R>(List<R> rows, Set<Long> claimed) {

    /** @throws IllegalArgumentException if two entries have the same name */
    static <C, R> NameMatch<R> of(List<C> configs, Function<C, String> name, Function<C, String> oldName,
            Map<String, R> byName, Function<R, Long> id, String kind) {
        List<R> rows = new ArrayList<>(configs.size());
        Set<Long> claimed = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (C config : configs) {
            String entry = name.apply(config);
            if (!seen.add(entry)) {
                throw new IllegalArgumentException("pipeline config has two " + kind + " named '" + entry + "'");
            }
            R row = byName.get(entry);
            rows.add(row);
            if (row != null) {
                claimed.add(id.apply(row));
            }
        }
        for (int i = 0; i < configs.size(); i++) {
            String old = oldName.apply(configs.get(i));
            if (rows.get(i) == null && old != null) {
                R byOldName = byName.get(old);
                if (byOldName != null && claimed.add(id.apply(byOldName))) {
                    rows.set(i, byOldName);
                }
            }
        }
        return new NameMatch<>(rows, claimed);
    }
}
