package dev.concourse.storage;

import dev.concourse.Resource;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.storage.Tables.Pin;
import dev.concourse.storage.Tables.ResourceRow;
import dev.concourse.storage.Tables.ResourceTypeRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scopes with their versions, version ids, disabled versions; pins and check status live on the
 * resource rows in {@link Tables}. Version ids are interned fields: a map from fields to id that
 * only grows (ids are never reused), so build history keeps matching across scopes.
 */
final class InMemoryVersionStore implements ResourceVersionStore {
    private final Transactions transactions;
    private final Tables tables;

    private final Map<Long, Scope> scopes = new HashMap<>();
    private final Map<String, Long> scopeIds = new HashMap<>();
    private final Map<Version, Long> versionIds = new HashMap<>();
    private final Map<Long, Version> versionsById = new HashMap<>();
    /** Resource id to the ids of the versions disabled for it. */
    private final Map<Long, Set<Long>> disabled = new HashMap<>();
    private final AtomicLong scopeSeq = new AtomicLong();
    private final AtomicLong versionSeq = new AtomicLong();

    InMemoryVersionStore(Transactions transactions, Tables tables) {
        this.transactions = transactions;
        this.tables = tables;
    }

    @Override
    public long assignScope(long resourceId, String scopeKey) {
        Objects.requireNonNull(scopeKey, "scopeKey");
        return transactions.write(() -> {
            long current = currentScope(resourceId);
            Long existing = scopeIds.get(scopeKey);
            Scope scope;
            if (existing == null) {
                scope = new Scope(scopeSeq.incrementAndGet(), scopeKey);
                transactions.put(scopes, scope.id, scope);
                transactions.put(scopeIds, scopeKey, scope.id);
            } else {
                scope = scopes.get(existing);
            }
            if (scope.id != current) {
                ResourceRow resource = tables.resources.get(resourceId);
                if (resource != null) {
                    transactions.put(tables.resources, resourceId, resource.withScope(scope.id));
                } else {
                    transactions.put(tables.resourceTypes, resourceId,
                            tables.resourceTypes.get(resourceId).withScope(scope.id));
                }
                transactions.add(scope.users, resourceId);
                release(resourceId, current);
            }
            return scope.id;
        });
    }

    private long currentScope(long resourceId) {
        ResourceRow resource = tables.resources.get(resourceId);
        if (resource != null) {
            return resource.scopeId();
        }
        ResourceTypeRow type = tables.resourceTypes.get(resourceId);
        if (type != null) {
            return type.scopeId();
        }
        throw new IllegalArgumentException("there is no resource or resource type with id " + resourceId);
    }

    @Override
    public OptionalLong findScope(String scopeKey) {
        Objects.requireNonNull(scopeKey, "scopeKey");
        return transactions.read(() -> {
            Long id = scopeIds.get(scopeKey);
            return id == null ? OptionalLong.empty() : OptionalLong.of(id);
        });
    }

    @Override
    public List<ResourceVersion> saveVersions(long scopeId, List<Version> oldestFirst, Instant now) {
        Objects.requireNonNull(now, "now");
        List<Version> checked = List.copyOf(oldestFirst);
        checked.forEach(v -> requireFields(scopeId, v));
        return transactions.write(() -> {
            Scope scope = requireScope(scopeId);
            boolean anyNew = checked.stream().anyMatch(v -> find(scope, v) == null);
            if (!anyNew) {
                return List.of();
            }
            Map<Long, ResourceVersion> added = new LinkedHashMap<>();
            for (Version version : checked) {
                ResourceVersion old = find(scope, version);
                ResourceVersion placed;
                if (old == null) {
                    placed = new ResourceVersion(intern(version), scope.id, version, scope.nextCheckOrder(), List.of(),
                            now);
                    added.put(placed.id(), placed);
                } else {
                    placed = new ResourceVersion(old.id(), scope.id, version, scope.nextCheckOrder(), old.metadata(),
                            old.firstSeen());
                    added.computeIfPresent(placed.id(), (id, earlier) -> placed);
                }
                place(scope, old, placed);
            }
            return List.copyOf(added.values());
        });
    }

    @Override
    public ResourceVersion saveVersion(long scopeId, Version version, List<MetadataField> metadata, Instant now) {
        requireFields(scopeId, version);
        List<MetadataField> fields = List.copyOf(metadata);
        Objects.requireNonNull(now, "now");
        return transactions.write(() -> {
            Scope scope = requireScope(scopeId);
            ResourceVersion old = find(scope, version);
            if (old == null) {
                ResourceVersion placed = new ResourceVersion(intern(version), scope.id, version,
                        scope.nextCheckOrder(), fields, now);
                place(scope, null, placed);
                return placed;
            }
            if (fields.isEmpty()) {
                return old;
            }
            ResourceVersion updated = withMetadata(old, fields);
            place(scope, old, updated);
            return updated;
        });
    }

    @Override
    public Optional<ResourceVersion> updateMetadata(long scopeId, Version version, List<MetadataField> metadata) {
        Objects.requireNonNull(version, "version");
        List<MetadataField> fields = List.copyOf(metadata);
        return transactions.write(() -> {
            Scope scope = scopes.get(scopeId);
            ResourceVersion old = scope == null ? null : find(scope, version);
            if (old == null) {
                return Optional.empty();
            }
            ResourceVersion updated = withMetadata(old, fields);
            place(scope, old, updated);
            return Optional.of(updated);
        });
    }

    private static ResourceVersion withMetadata(ResourceVersion v, List<MetadataField> metadata) {
        return new ResourceVersion(v.id(), v.scopeId(), v.version(), v.checkOrder(), metadata, v.firstSeen());
    }

    /** Puts {@code placed} where {@code old} (of the same version, or null) was. */
    private void place(Scope scope, ResourceVersion old, ResourceVersion placed) {
        if (old != null && old.checkOrder() != placed.checkOrder()) {
            transactions.remove(scope.byCheckOrder, old.checkOrder());
        }
        transactions.put(scope.byCheckOrder, placed.checkOrder(), placed);
        transactions.put(scope.byVersionId, placed.id(), placed);
    }

    private long intern(Version version) {
        Long id = versionIds.get(version);
        if (id != null) {
            return id;
        }
        long created = versionSeq.incrementAndGet();
        transactions.put(versionIds, version, created);
        transactions.put(versionsById, created, version);
        return created;
    }

    private ResourceVersion find(Scope scope, Version version) {
        Long id = versionIds.get(version);
        return id == null ? null : scope.byVersionId.get(id);
    }

    private static void requireFields(long scopeId, Version version) {
        Objects.requireNonNull(version, "version");
        if (version.fields().isEmpty()) {
            throw new IllegalArgumentException("cannot save a version without fields in scope " + scopeId
                    + ": a version must contain at least one key-value pair");
        }
    }

    private Scope requireScope(long scopeId) {
        Scope scope = scopes.get(scopeId);
        if (scope == null) {
            throw new IllegalArgumentException("there is no scope with id " + scopeId
                    + " (scopes are created by assignScope and dropped when no resource uses them)");
        }
        return scope;
    }

    @Override
    public Optional<ResourceVersion> latest(long scopeId) {
        return transactions.read(() -> Optional.ofNullable(scopes.get(scopeId))
                .map(s -> s.byCheckOrder.lastEntry())
                .map(Map.Entry::getValue));
    }

    @Override
    public List<ResourceVersion> versions(long scopeId, long olderThan, int limit) {
        return transactions.read(() -> {
            Scope scope = scopes.get(scopeId);
            if (scope == null || limit <= 0) {
                return List.of();
            }
            return scope.byCheckOrder.headMap(olderThan, false).descendingMap().values().stream()
                    .limit(limit)
                    .toList();
        });
    }

    @Override
    public List<ResourceVersion> versionsNewerThan(long scopeId, long newerThan, int limit) {
        return transactions.read(() -> {
            Scope scope = scopes.get(scopeId);
            if (scope == null || limit <= 0) {
                return List.of();
            }
            List<ResourceVersion> page = new ArrayList<>(scope.byCheckOrder.tailMap(newerThan, false).values()
                    .stream().limit(limit).toList());
            return List.copyOf(page.reversed());
        });
    }

    @Override
    public Optional<ResourceVersion> find(long scopeId, Version version) {
        Objects.requireNonNull(version, "version");
        return transactions.read(() -> Optional.ofNullable(scopes.get(scopeId)).map(s -> find(s, version)));
    }

    @Override
    public Optional<ResourceVersion> find(long scopeId, long versionId) {
        return transactions.read(() -> Optional.ofNullable(scopes.get(scopeId)).map(s -> s.byVersionId.get(versionId)));
    }

    @Override
    public Optional<Version> version(long versionId) {
        return transactions.read(() -> Optional.ofNullable(versionsById.get(versionId)));
    }

    @Override
    public boolean disable(long resourceId, long versionId) {
        return transactions.write(() -> {
            requireResourceAndVersion(resourceId, versionId);
            Set<Long> ids = transactions.computeIfAbsent(disabled, resourceId, HashSet::new);
            if (ids.contains(versionId)) {
                return false;
            }
            transactions.add(ids, versionId);
            return true;
        });
    }

    @Override
    public boolean enable(long resourceId, long versionId) {
        return transactions.write(() -> {
            requireResourceAndVersion(resourceId, versionId);
            Set<Long> ids = disabled.get(resourceId);
            if (ids == null || !ids.contains(versionId)) {
                return false;
            }
            transactions.removeFrom(ids, versionId);
            if (ids.isEmpty()) {
                transactions.remove(disabled, resourceId);
            }
            return true;
        });
    }

    private void requireResourceAndVersion(long resourceId, long versionId) {
        if (!tables.resources.containsKey(resourceId)) {
            throw new IllegalArgumentException("there is no resource with id " + resourceId);
        }
        if (!versionsById.containsKey(versionId)) {
            throw new IllegalArgumentException("there is no version with id " + versionId
                    + " (of resource " + resourceRef(resourceId) + ")");
        }
    }

    @Override
    public Set<Long> disabledVersions(long resourceId) {
        return transactions.read(() -> Set.copyOf(disabled.getOrDefault(resourceId, Set.of())));
    }

    @Override
    public Optional<Resource> pin(long resourceId, long versionId, String comment) {
        return transactions.write(() -> {
            ResourceRow row = activeResource(resourceId);
            if (row == null) {
                return Optional.empty();
            }
            requireNotPinnedInConfig(row, "pin it to another version");
            Scope scope = scopes.get(row.scopeId());
            ResourceVersion version = scope == null ? null : scope.byVersionId.get(versionId);
            if (version == null) {
                throw new IllegalArgumentException("resource " + resourceRef(resourceId) + " has no version with id "
                        + versionId + " to pin");
            }
            return Optional.of(update(row.withPin(new Pin(version.version().fields(), false,
                    comment == null ? "" : comment))));
        });
    }

    @Override
    public Optional<Resource> unpin(long resourceId) {
        return transactions.write(() -> {
            ResourceRow row = activeResource(resourceId);
            if (row == null) {
                return Optional.empty();
            }
            requireNotPinnedInConfig(row, "unpin it");
            return Optional.of(row.pin() == null ? tables.toResource(row) : update(row.withPin(null)));
        });
    }

    @Override
    public Optional<Resource> setPinComment(long resourceId, String comment) {
        Objects.requireNonNull(comment, "comment");
        return transactions.write(() -> {
            ResourceRow row = activeResource(resourceId);
            if (row == null || row.pin() == null) {
                return Optional.empty();
            }
            Pin pin = row.pin();
            return Optional.of(update(row.withPin(new Pin(pin.version(), pin.inConfig(), comment))));
        });
    }

    private void requireNotPinnedInConfig(ResourceRow row, String action) {
        if (row.pin() != null && row.pin().inConfig()) {
            throw new IllegalStateException("resource " + resourceRef(row.id()) + " is pinned to "
                    + new Version(row.pin().version()) + " by its config: remove 'version' from the resource in"
                    + " the pipeline config and set the pipeline to " + action);
        }
    }

    private ResourceRow activeResource(long resourceId) {
        ResourceRow row = tables.resources.get(resourceId);
        return row == null || !row.active() ? null : row;
    }

    private Resource update(ResourceRow row) {
        transactions.put(tables.resources, row.id(), row);
        return tables.toResource(row);
    }

    @Override
    public void recordCheck(long resourceId, Instant finished, String error) {
        Objects.requireNonNull(finished, "finished");
        transactions.write(() -> {
            ResourceRow resource = tables.resources.get(resourceId);
            if (resource != null) {
                transactions.put(tables.resources, resourceId, resource.withCheck(finished, error));
                return null;
            }
            ResourceTypeRow type = tables.resourceTypes.get(resourceId);
            if (type == null) {
                throw new IllegalArgumentException("there is no resource or resource type with id " + resourceId
                        + " to record a check of");
            }
            transactions.put(tables.resourceTypes, resourceId, type.withCheck(finished, error));
            return null;
        });
    }

    private String resourceRef(long resourceId) {
        ResourceRow row = tables.resources.get(resourceId);
        return row == null ? "#" + resourceId : tables.toResource(row).ref().toString();
    }

    // For the other stores, which hold the write lock (or the read lock, for reads).

    /** The resource's current scope, or null (no scope, or no such resource or resource type). */
    Scope scopeOf(long resourceId) {
        ResourceRow resource = tables.resources.get(resourceId);
        if (resource != null) {
            return scopes.get(resource.scopeId());
        }
        ResourceTypeRow type = tables.resourceTypes.get(resourceId);
        return type == null ? null : scopes.get(type.scopeId());
    }

    boolean isDisabled(long resourceId, long versionId) {
        Set<Long> ids = disabled.get(resourceId);
        return ids != null && ids.contains(versionId);
    }

    boolean versionExists(long versionId) {
        return versionsById.containsKey(versionId);
    }

    /**
     * The resource (or resource type) stops using the scope; the scope is dropped, with its
     * versions, when nothing uses it any more. The caller updates the row.
     */
    void release(long resourceId, long scopeId) {
        Scope scope = scopes.get(scopeId);
        if (scope == null) {
            return;
        }
        transactions.removeFrom(scope.users, resourceId);
        if (scope.users.isEmpty()) {
            transactions.remove(scopes, scopeId);
            transactions.remove(scopeIds, scope.key);
        }
    }

    /** Drops what is kept per resource here, for deleting its pipeline. */
    void forget(long resourceId) {
        transactions.remove(disabled, resourceId);
    }
}
