package dev.concourse.storage;

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
 * @param ids     per config entry, the id of the row it keeps, or null for a new row
 * @param claimed the ids of every row kept
 */
record NameMatch(Long[] ids, Set<Long> claimed) {

    /**
     * Matches {@code configs} against the stored {@code names} (name to row id).
     *
     * @throws IllegalArgumentException if two entries have the same name
     */
    static <C> NameMatch of(List<C> configs, Function<C, String> name, Function<C, String> oldName,
            Map<String, Long> names, String kind) {
        int count = configs.size();
        Long[] ids = new Long[count];
        Set<Long> claimed = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String entry = name.apply(configs.get(i));
            if (!seen.add(entry)) {
                throw new IllegalArgumentException("pipeline config has two " + kind + " named '" + entry + "'");
            }
            ids[i] = names.get(entry);
            if (ids[i] != null) {
                claimed.add(ids[i]);
            }
        }
        for (int i = 0; i < count; i++) {
            String old = oldName.apply(configs.get(i));
            if (ids[i] == null && old != null) {
                Long byOldName = names.get(old);
                if (byOldName != null && claimed.add(byOldName)) {
                    ids[i] = byOldName;
                }
            }
        }
        return new NameMatch(ids, claimed);
    }
}
