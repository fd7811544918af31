package dev.concourse.storage;

import dev.concourse.resource.ResourceVersion;
import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.ResourceVersionId;
import dev.concourse.spi.storage.VersionHistory;
import dev.concourse.spi.storage.VersionUse;
import dev.concourse.storage.BuildHistory.InputUse;
import dev.concourse.storage.BuildHistory.JobOutput;
import dev.concourse.storage.BuildHistory.JobResource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Answers the scheduler's queries from {@link BuildHistory}'s indexes and the scopes' check-order
 * maps: lookups are hash or tree lookups, pages cost in proportion to what they skip and return.
 */
final class InMemoryVersionHistory implements VersionHistory {
    private final Transactions transactions;
    private final Tables tables;
    private final InMemoryVersionStore versions;
    private final BuildHistory history;

    InMemoryVersionHistory(Transactions transactions, Tables tables, InMemoryVersionStore versions,
            BuildHistory history) {
        this.transactions = transactions;
        this.tables = tables;
        this.versions = versions;
        this.history = history;
    }

    @Override
    public Optional<ResourceVersion> version(long resourceId, long versionId) {
        return transactions.read(() -> Optional.ofNullable(versions.scopeOf(resourceId))
                .map(scope -> scope.byVersionId.get(versionId)));
    }

    @Override
    public Optional<ResourceVersion> latestVersionAtOrBelow(long resourceId, long checkOrder) {
        return transactions.read(() -> {
            Scope scope = versions.scopeOf(resourceId);
            if (scope == null) {
                return Optional.empty();
            }
            for (ResourceVersion v : scope.byCheckOrder.headMap(checkOrder, true).descendingMap().values()) {
                if (!versions.isDisabled(resourceId, v.id())) {
                    return Optional.of(v);
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public List<ResourceVersion> versionsAbove(long resourceId, long checkOrder, int limit) {
        return transactions.read(() -> {
            Scope scope = versions.scopeOf(resourceId);
            if (scope == null || limit <= 0) {
                return List.of();
            }
            List<ResourceVersion> page = new ArrayList<>();
            for (ResourceVersion v : scope.byCheckOrder.tailMap(checkOrder, false).values()) {
                if (!versions.isDisabled(resourceId, v.id())) {
                    page.add(v);
                    if (page.size() == limit) {
                        break;
                    }
                }
            }
            return List.copyOf(page);
        });
    }

    @Override
    public Optional<ResourceVersion> findVersion(long resourceId, Map<String, String> fields) {
        Objects.requireNonNull(fields, "fields");
        return transactions.read(() -> {
            Scope scope = versions.scopeOf(resourceId);
            if (scope == null) {
                return Optional.empty();
            }
            return scope.byCheckOrder.descendingMap().values().stream()
                    .filter(v -> v.version().matches(fields))
                    .findFirst();
        });
    }

    @Override
    public boolean isDisabled(long resourceId, long versionId) {
        return transactions.read(() -> versions.isDisabled(resourceId, versionId));
    }

    @Override
    public boolean isFirstOccurrence(long jobId, String inputName, long resourceId, long versionId) {
        Objects.requireNonNull(inputName, "inputName");
        return transactions.read(() ->
                !history.inputUses.containsKey(new InputUse(jobId, inputName, resourceId, versionId)));
    }

    @Override
    public Optional<VersionUse> latestUse(long jobId, long resourceId) {
        return transactions.read(() -> {
            Scope scope = versions.scopeOf(resourceId);
            Map<Long, NavigableSet<Long>> used = history.versionUses.get(new JobResource(jobId, resourceId));
            if (scope == null || used == null) {
                return Optional.empty();
            }
            // Walk down from the newest version, but never further than there are used versions:
            // past that, looking each used version up is cheaper.
            Iterator<ResourceVersion> newestFirst = scope.byCheckOrder.descendingMap().values().iterator();
            for (int steps = 0; newestFirst.hasNext() && steps < used.size(); steps++) {
                ResourceVersion v = newestFirst.next();
                NavigableSet<Long> builds = used.get(v.id());
                if (builds != null) {
                    return Optional.of(new VersionUse(v, builds.last()));
                }
            }
            if (!newestFirst.hasNext()) {
                return Optional.empty();
            }
            return used.keySet().stream()
                    .map(scope.byVersionId::get)
                    .filter(Objects::nonNull)
                    .max(Comparator.comparingLong(ResourceVersion::checkOrder))
                    .map(v -> new VersionUse(v, used.get(v.id()).last()));
        });
    }

    @Override
    public List<BuildCursor> successfulBuilds(long jobId, Map<Long, Set<Long>> containing, BuildCursor olderThan,
            int limit) {
        return page(jobId, containing, olderThan, false, limit);
    }

    @Override
    public List<BuildCursor> successfulBuildsFrom(long jobId, Map<Long, Set<Long>> containing, BuildCursor from,
            int limit) {
        Objects.requireNonNull(from, "from");
        return page(jobId, containing, from, true, limit);
    }

    private List<BuildCursor> page(long jobId, Map<Long, Set<Long>> containing, BuildCursor bound, boolean inclusive,
            int limit) {
        Objects.requireNonNull(containing, "containing");
        return transactions.read(() -> {
            Candidates candidates = candidates(jobId, containing);
            if (candidates == null || limit <= 0) {
                return List.of();
            }
            NavigableSet<BuildCursor> view = bound == null ? candidates.base : candidates.base.tailSet(bound, inclusive);
            List<BuildCursor> page = new ArrayList<>();
            for (BuildCursor build : view) {
                if (candidates.qualifies(build)) {
                    page.add(build);
                    if (page.size() == limit) {
                        break;
                    }
                }
            }
            return List.copyOf(page);
        });
    }

    @Override
    public List<BuildCursor> successfulBuildsNewerThan(long jobId, Map<Long, Set<Long>> containing,
            BuildCursor newerThan) {
        Objects.requireNonNull(containing, "containing");
        Objects.requireNonNull(newerThan, "newerThan");
        return transactions.read(() -> {
            Candidates candidates = candidates(jobId, containing);
            if (candidates == null) {
                return List.of();
            }
            return candidates.base.headSet(newerThan, false).descendingSet().stream()
                    .filter(candidates::qualifies)
                    .toList();
        });
    }

    /**
     * The builds to walk for a query: the smallest of the sets that each required output
     * selects, checked against the others; null when some required output is in no build.
     */
    private Candidates candidates(long jobId, Map<Long, Set<Long>> containing) {
        List<NavigableSet<BuildCursor>> sets = new ArrayList<>();
        for (Map.Entry<Long, Set<Long>> entry : containing.entrySet()) {
            for (long versionId : entry.getValue()) {
                NavigableSet<BuildCursor> set = history.successfulBuildsWithOutput.get(
                        new JobOutput(jobId, entry.getKey(), versionId));
                if (set == null) {
                    return null;
                }
                sets.add(set);
            }
        }
        if (sets.isEmpty()) {
            NavigableSet<BuildCursor> all = history.successfulBuilds.get(jobId);
            return all == null ? null : new Candidates(all, List.of());
        }
        sets.sort(Comparator.comparingInt(Set::size));
        return new Candidates(sets.getFirst(), sets.subList(1, sets.size()));
    }

    private record Candidates(NavigableSet<BuildCursor> base, List<NavigableSet<BuildCursor>> alsoIn) {
        boolean qualifies(BuildCursor build) {
            for (NavigableSet<BuildCursor> set : alsoIn) {
                if (!set.contains(build)) {
                    return false;
                }
            }
            return true;
        }
    }

    @Override
    public List<ResourceVersionId> successfulOutputs(long buildId) {
        return transactions.read(() -> history.successfulOutputs.getOrDefault(buildId, List.of()));
    }

    @Override
    public List<BuildCursor> pipesTo(long buildId) {
        return transactions.read(() -> cursors(history.pipesTo.get(buildId)));
    }

    @Override
    public List<BuildCursor> pipesFrom(long buildId) {
        return transactions.read(() -> cursors(history.pipesFrom.get(buildId)));
    }

    private List<BuildCursor> cursors(Set<Long> buildIds) {
        if (buildIds == null) {
            return List.of();
        }
        return buildIds.stream().map(id -> BuildHistory.cursor(tables.builds.get(id))).toList();
    }
}
