package dev.concourse.internal.scheduler.algorithm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits inputs with {@code passed} into groups that must be resolved together: two inputs are in
 * one group when their passed jobs overlap, directly or through other inputs of the group.
 */
final class InputGroups {

    private InputGroups() {
    }

    /** The groups, each in input order, ordered by their first input. */
    static List<List<InputConfig>> of(List<InputConfig> withPassed) {
        List<Group> groups = new ArrayList<>();
        for (InputConfig input : withPassed) {
            Group joined = null;
            for (var it = groups.iterator(); it.hasNext();) {
                Group group = it.next();
                if (!shares(group.jobs, input.passedJobIds())) {
                    continue;
                }
                if (joined == null) {
                    joined = group;
                } else {
                    joined.merge(group);
                    it.remove();
                }
            }
            if (joined == null) {
                joined = new Group();
                groups.add(joined);
            }
            joined.add(input, withPassed.indexOf(input));
        }
        return groups.stream().map(g -> g.inOrder(withPassed)).toList();
    }

    private static boolean shares(Set<Long> jobs, Set<Long> passed) {
        return passed.stream().anyMatch(jobs::contains);
    }

    private static final class Group {
        final Set<Long> jobs = new HashSet<>();
        final Set<Integer> members = new HashSet<>();

        void add(InputConfig input, int index) {
            jobs.addAll(input.passedJobIds());
            members.add(index);
        }

        void merge(Group other) {
            jobs.addAll(other.jobs);
            members.addAll(other.members);
        }

        List<InputConfig> inOrder(List<InputConfig> all) {
            return members.stream().sorted().map(all::get).toList();
        }
    }
}
