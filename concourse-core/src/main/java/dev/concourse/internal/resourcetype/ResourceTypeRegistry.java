package dev.concourse.internal.resourcetype;

import dev.concourse.internal.config.Frozen;
import dev.concourse.resourcetype.LocalImageResource;
import dev.concourse.resourcetype.MockResource;
import dev.concourse.resourcetype.RegistryImageResource;
import dev.concourse.resourcetype.TimeResource;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.runtime.ContainerImage;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine's base resource types by name: what a resource's {@code type:} (or the innermost
 * {@code type:} of a {@code resource_types} chain) may name. Mostly native types; a base type can
 * also be a container image on the workers' file system, as Concourse workers provide theirs
 * ({@link #registerImage}). Concourse's {@code --base-resource-type-defaults} are
 * {@link #setDefaults}. Registering a name again replaces the earlier type, so an engine's own
 * types win over the built-ins. Thread-safe.
 */
public final class ResourceTypeRegistry {
    private final ConcurrentHashMap<String, Entry> types = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Map<String, Object>> defaults = new ConcurrentHashMap<>();

    private sealed interface Entry {
    }

    private record NativeEntry(ResourceType type) implements Entry {
    }

    private record ImageEntry(ContainerImage image, boolean privileged) implements Entry {
    }

    /** An empty registry. */
    public ResourceTypeRegistry() {
    }

    /**
     * A registry with the built-in types: {@code mock}, {@code time} (on {@code clock}),
     * {@code local-image} and {@code registry-image}.
     */
    public static ResourceTypeRegistry withBuiltIns(InstantSource clock) {
        ResourceTypeRegistry registry = new ResourceTypeRegistry();
        registry.register(new MockResource());
        registry.register(new TimeResource(clock));
        registry.register(new LocalImageResource());
        registry.register(new RegistryImageResource());
        return registry;
    }

    /** Adds (or replaces) a native type under its {@link ResourceType#name()}. */
    public ResourceTypeRegistry register(ResourceType type) {
        Objects.requireNonNull(type, "type");
        String name = Objects.requireNonNull(type.name(), () -> type.getClass().getName() + ".name() returned null");
        checkName(name);
        types.put(name, new NativeEntry(type));
        return this;
    }

    /**
     * Adds (or replaces) a base type run in containers of {@code image}: a {@code raw://} root file
     * system holding {@code /opt/resource/check}, {@code in} and {@code out}.
     */
    public ResourceTypeRegistry registerImage(String name, ContainerImage image, boolean privileged) {
        checkName(name);
        Objects.requireNonNull(image, "image");
        if (image.isNone()) {
            throw new IllegalArgumentException("base resource type '" + name + "' needs an image");
        }
        types.put(name, new ImageEntry(image, privileged));
        return this;
    }

    /** Sets the defaults merged into the {@code source} of resources of base type {@code name}. */
    public ResourceTypeRegistry setDefaults(String name, Map<String, Object> source) {
        checkName(name);
        defaults.put(name, Frozen.map(source));
        return this;
    }

    /** The base type of this name, ready to run, with its defaults. */
    public Optional<ResolvedType> find(String name) {
        Entry entry = name == null ? null : types.get(name);
        if (entry == null) {
            return Optional.empty();
        }
        Map<String, Object> typeDefaults = defaults.getOrDefault(name, Map.of());
        return Optional.of(switch (entry) {
            case NativeEntry n -> new ResolvedType.Native(n.type(), typeDefaults);
            case ImageEntry i -> new ResolvedType.Container(name, i.image(), i.privileged(), typeDefaults);
        });
    }

    public boolean contains(String name) {
        return name != null && types.containsKey(name);
    }

    /** The base types' names, sorted. */
    public Set<String> names() {
        return new TreeSet<>(types.keySet());
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a resource type needs a name");
        }
    }
}
