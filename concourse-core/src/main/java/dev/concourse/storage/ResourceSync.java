package dev.concourse.storage;

import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.storage.Tables.Pin;
import dev.concourse.storage.Tables.ResourceRow;
import dev.concourse.storage.Tables.ResourceTypeRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Brings a pipeline's resources and resource types in line with its config (see
 * {@link dev.concourse.spi.storage.PipelineStore#save}), and removes them with the pipeline.
 * Callers hold the write lock.
 */
final class ResourceSync {
    private final Transactions transactions;
    private final Tables tables;
    private final InMemoryVersionStore versions;

    ResourceSync(Transactions transactions, Tables tables, InMemoryVersionStore versions) {
        this.transactions = transactions;
        this.tables = tables;
        this.versions = versions;
    }

    void sync(long pipelineId, List<ResourceConfig> resources, List<ResourceTypeConfig> types) {
        syncResources(pipelineId, resources);
        syncTypes(pipelineId, types);
    }

    private void syncResources(long pipelineId, List<ResourceConfig> configs) {
        Map<String, Long> names = transactions.computeIfAbsent(tables.resourceNames, pipelineId, HashMap::new);
        int count = configs.size();
        NameMatch match = NameMatch.of(configs, ResourceConfig::name, ResourceConfig::oldName, names, "resources");
        Long[] matched = match.ids();
        Set<Long> claimed = match.claimed();
        List<Long> order = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ResourceConfig config = configs.get(i);
            ResourceRow row;
            if (matched[i] == null) {
                row = new ResourceRow(tables.resourceSeq.incrementAndGet(), pipelineId, config.name(), config, true,
                        0, syncPin(null, config), null, null);
                transactions.put(names, config.name(), row.id());
            } else {
                ResourceRow old = tables.resources.get(matched[i]);
                if (!old.name().equals(config.name())) {
                    transactions.remove(names, old.name());
                    transactions.put(names, config.name(), old.id());
                }
                long scope = keepScope(old.id(), old.scopeId(), old.config().type(), old.config().source(),
                        config.type(), config.source());
                row = new ResourceRow(old.id(), pipelineId, config.name(), config, true, scope,
                        syncPin(old.pin(), config), old.lastChecked(), old.checkError());
            }
            transactions.put(tables.resources, row.id(), row);
            order.add(row.id());
        }
        for (long id : tables.activeResources.getOrDefault(pipelineId, List.of())) {
            if (!claimed.contains(id)) {
                ResourceRow old = tables.resources.get(id);
                transactions.put(tables.resources, id, new ResourceRow(id, pipelineId, old.name(), old.config(),
                        false, old.scopeId(), old.pin(), old.lastChecked(), old.checkError()));
            }
        }
        transactions.put(tables.activeResources, pipelineId, List.copyOf(order));
    }

    /**
     * The config's {@code version:} is the pin (keeping its comment while the version stays the
     * same); without one, a config pin goes and an API pin stays.
     */
    private static Pin syncPin(Pin old, ResourceConfig config) {
        if (!config.version().isEmpty()) {
            boolean same = old != null && old.inConfig() && old.version().equals(config.version());
            return new Pin(config.version(), true, same ? old.comment() : "");
        }
        return old != null && old.inConfig() ? null : old;
    }

    private void syncTypes(long pipelineId, List<ResourceTypeConfig> configs) {
        Map<String, Long> names = transactions.computeIfAbsent(tables.resourceTypeNames, pipelineId, HashMap::new);
        Set<String> seen = new HashSet<>();
        List<Long> order = new ArrayList<>(configs.size());
        for (ResourceTypeConfig config : configs) {
            if (!seen.add(config.name())) {
                throw new IllegalArgumentException("pipeline config has two resource types named '" + config.name()
                        + "'");
            }
            Long id = names.get(config.name());
            ResourceTypeRow row;
            if (id == null) {
                row = new ResourceTypeRow(tables.resourceSeq.incrementAndGet(), pipelineId, config.name(), config,
                        true, 0, null, null);
                transactions.put(names, config.name(), row.id());
            } else {
                ResourceTypeRow old = tables.resourceTypes.get(id);
                long scope = keepScope(id, old.scopeId(), old.config().type(), old.config().source(), config.type(),
                        config.source());
                row = new ResourceTypeRow(id, pipelineId, config.name(), config, true, scope, old.lastChecked(),
                        old.checkError());
            }
            transactions.put(tables.resourceTypes, row.id(), row);
            order.add(row.id());
        }
        Set<Long> active = new HashSet<>(order);
        for (long id : tables.activeResourceTypes.getOrDefault(pipelineId, List.of())) {
            if (!active.contains(id)) {
                ResourceTypeRow old = tables.resourceTypes.get(id);
                transactions.put(tables.resourceTypes, id, new ResourceTypeRow(id, pipelineId, old.name(),
                        old.config(), false, old.scopeId(), old.lastChecked(), old.checkError()));
            }
        }
        transactions.put(tables.activeResourceTypes, pipelineId, List.copyOf(order));
    }

    /**
     * The scope to keep: the old one while type and source stay the same, else none (the scope
     * is released and dropped if nothing else uses it).
     */
    private long keepScope(long id, long scopeId, String oldType, Map<String, Object> oldSource, String type,
            Map<String, Object> source) {
        if (scopeId == 0 || (Objects.equals(oldType, type) && Objects.equals(oldSource, source))) {
            return scopeId;
        }
        versions.release(id, scopeId);
        return 0;
    }

    /** Removes the pipeline's resources and resource types, releasing their scopes. */
    void delete(long pipelineId) {
        transactions.remove(tables.activeResources, pipelineId);
        Map<String, Long> resources = transactions.remove(tables.resourceNames, pipelineId);
        if (resources != null) {
            for (long id : resources.values()) {
                ResourceRow row = transactions.remove(tables.resources, id);
                versions.release(id, row.scopeId());
                versions.forget(id);
            }
        }
        transactions.remove(tables.activeResourceTypes, pipelineId);
        Map<String, Long> types = transactions.remove(tables.resourceTypeNames, pipelineId);
        if (types != null) {
            for (long id : types.values()) {
                ResourceTypeRow row = transactions.remove(tables.resourceTypes, id);
                versions.release(id, row.scopeId());
            }
        }
    }
}
