package dev.concourse.internal.resourcetype;

import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.resource.ResourceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves a resource's type through a pipeline's {@code resource_types} as Concourse's
 * {@code ResourceTypes.ImageForType} does: a name that is a {@code resource_types} entry is a
 * custom type whose image comes from a resource of the entry's {@code type}, resolved the same way
 * but without that entry (so {@code name: mock, type: mock} is a custom type built on the base
 * {@code mock}, the usual way to pin a base type's image); any other name must be a base type.
 *
 * <p>Unlike Concourse, which plans an unknown name as a base type and fails later when no worker
 * has it, unknown types and cycles are errors here, naming the types involved: a chain that comes
 * back to one of its own custom types, which then is no base type, is a cycle
 * ({@code a -> b -> a}).
 */
public final class ResourceTypeChain {
    private ResourceTypeChain() {
    }

    /** {@link #resolve(String, List, Set)} with the registry's names as base types. */
    public static TypePlan resolve(String type, List<ResourceTypeConfig> resourceTypes, ResourceTypeRegistry registry) {
        return resolve(type, resourceTypes, registry.names());
    }

    /**
     * The plan that makes {@code type} ready to run.
     *
     * @param type          a resource's {@code type}
     * @param resourceTypes the pipeline's {@code resource_types}
     * @param baseTypes     the names of the engine's base types
     * @throws ResourceException if the type, or one its chain needs, is unknown, or the chain is a cycle
     */
    public static TypePlan resolve(String type, List<ResourceTypeConfig> resourceTypes, Set<String> baseTypes) {
        List<TypePlan.ImageFetch> fetches = new ArrayList<>();
        List<String> chain = new ArrayList<>();
        List<ResourceTypeConfig> remaining = new ArrayList<>(resourceTypes);
        String current = type;
        while (true) {
            ResourceTypeConfig custom = lookup(remaining, current);
            if (custom == null) {
                if (baseTypes.contains(current)) {
                    return new TypePlan(type, current, fetches.reversed());
                }
                if (chain.contains(current)) {
                    List<String> cycle = new ArrayList<>(chain.subList(chain.indexOf(current), chain.size()));
                    cycle.add(current);
                    throw new ResourceException("resource type '" + type + "' cannot be resolved: resource_types form a"
                            + " cycle (" + String.join(" -> ", cycle) + "), and '" + current + "' is not a base type"
                            + " to end it; base types: " + names(baseTypes));
                }
                throw unknown(type, chain, current, resourceTypes, baseTypes);
            }
            chain.add(custom.name());
            remaining.removeIf(t -> t.name().equals(custom.name()));
            fetches.add(new TypePlan.ImageFetch(custom.name(), custom.type(), custom.source(), custom.params(),
                    custom.privileged(), custom.checkEvery(), custom.tags(), custom.defaults()));
            current = custom.type();
        }
    }

    private static ResourceTypeConfig lookup(List<ResourceTypeConfig> types, String name) {
        for (ResourceTypeConfig t : types) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    private static ResourceException unknown(String type, List<String> chain, String missing,
            List<ResourceTypeConfig> resourceTypes, Set<String> baseTypes) {
        String known = "base types: " + names(baseTypes) + "; the pipeline's resource_types: "
                + names(resourceTypes.stream().map(ResourceTypeConfig::name).toList());
        if (chain.isEmpty()) {
            return new ResourceException("unknown resource type '" + type + "': it is neither one of the pipeline's "
                    + "resource_types nor a base type (" + known + ")");
        }
        return new ResourceException("resource type '" + type + "' cannot be resolved: the image of '"
                + chain.getLast() + "'" + (chain.size() > 1 ? " (via " + String.join(" -> ", chain) + ")" : "")
                + " comes from a resource of type '" + missing + "', which is neither one of the pipeline's "
                + "resource_types nor a base type (" + known + ")");
    }

    private static String names(Collection<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", new TreeSet<>(names));
    }
}
