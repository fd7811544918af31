package dev.concourse.internal.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.resource.ResourceException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceTypeChainTest {
    private static final Set<String> BASE = Set.of("mock", "time", "local-image", "registry-image");

    @Test
    void aBaseTypeNeedsNoImage() {
        TypePlan plan = ResourceTypeChain.resolve("mock", List.of(), BASE);

        assertThat(plan).isEqualTo(new TypePlan("mock", "mock", List.of()));
        assertThat(plan.isBase()).isTrue();
    }

    @Test
    void aCustomTypeFetchesItsImageWithItsSourceParamsAndSettings() {
        ResourceTypeConfig custom = type("my-type", "local-image", Map.of("path", "/images/my"), Map.of("d", 1), true,
                "1h", List.of("linux"), Map.of("p", 2));

        TypePlan plan = ResourceTypeChain.resolve("my-type", List.of(custom), BASE);

        assertThat(plan.baseType()).isEqualTo("local-image");
        assertThat(plan.imageFetches()).containsExactly(new TypePlan.ImageFetch("my-type", "local-image",
                Map.of("path", "/images/my"), Map.of("p", 2), true, "1h", List.of("linux"), Map.of("d", 1)));
    }

    @Test
    void nestedTypesAreFetchedInnermostFirst() {
        List<ResourceTypeConfig> types = List.of(
                type("outer", "middle", Map.of("o", 1)),
                type("middle", "inner", Map.of("m", 1)),
                type("inner", "registry-image", Map.of("i", 1)));

        TypePlan plan = ResourceTypeChain.resolve("outer", types, BASE);

        assertThat(plan.baseType()).isEqualTo("registry-image");
        assertThat(plan.imageFetches()).extracting(TypePlan.ImageFetch::type, TypePlan.ImageFetch::imageType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("inner", "registry-image"),
                        org.assertj.core.groups.Tuple.tuple("middle", "inner"),
                        org.assertj.core.groups.Tuple.tuple("outer", "middle"));
    }

    @Test
    void aTypeNamedLikeItsOwnTypeIsBuiltOnTheBaseType() {
        // The usual way to pin the image of a base type: Concourse resolves it without itself.
        TypePlan plan = ResourceTypeChain.resolve("mock", List.of(type("mock", "mock", Map.of("pinned", "yes"))), BASE);

        assertThat(plan.baseType()).isEqualTo("mock");
        assertThat(plan.imageFetches()).singleElement()
                .satisfies(f -> assertThat(f.type()).isEqualTo("mock"))
                .satisfies(f -> assertThat(f.imageType()).isEqualTo("mock"));
    }

    @Test
    void aChainComingBackToABaseTypeNameEndsThere() {
        List<ResourceTypeConfig> types = List.of(type("mock", "helper", Map.of()), type("helper", "mock", Map.of()));

        TypePlan plan = ResourceTypeChain.resolve("mock", types, BASE);

        assertThat(plan.baseType()).isEqualTo("mock");
        assertThat(plan.imageFetches()).extracting(TypePlan.ImageFetch::type).containsExactly("helper", "mock");
    }

    @Test
    void cyclesAreErrorsNamingTheCycle() {
        List<ResourceTypeConfig> types = List.of(type("a", "b", Map.of()), type("b", "c", Map.of()),
                type("c", "b", Map.of()), type("self", "self", Map.of()));

        assertThatThrownBy(() -> ResourceTypeChain.resolve("a", types, BASE))
                .isInstanceOf(ResourceException.class)
                .hasMessage("resource type 'a' cannot be resolved: resource_types form a cycle (b -> c -> b), and 'b' "
                        + "is not a base type to end it; base types: local-image, mock, registry-image, time");
        assertThatThrownBy(() -> ResourceTypeChain.resolve("self", types, BASE))
                .hasMessageStartingWith("resource type 'self' cannot be resolved: resource_types form a cycle "
                        + "(self -> self)");
    }

    @Test
    void unknownTypesAreErrorsListingTheKnownOnes() {
        List<ResourceTypeConfig> types = List.of(type("outer", "inner", Map.of()), type("inner", "gti", Map.of()));

        assertThatThrownBy(() -> ResourceTypeChain.resolve("git", types, BASE))
                .isInstanceOf(ResourceException.class)
                .hasMessage("unknown resource type 'git': it is neither one of the pipeline's resource_types nor a "
                        + "base type (base types: local-image, mock, registry-image, time; the pipeline's "
                        + "resource_types: inner, outer)");
        assertThatThrownBy(() -> ResourceTypeChain.resolve("outer", types, BASE))
                .hasMessage("resource type 'outer' cannot be resolved: the image of 'inner' (via outer -> inner) "
                        + "comes from a resource of type 'gti', which is neither one of the pipeline's resource_types "
                        + "nor a base type (base types: local-image, mock, registry-image, time; the pipeline's "
                        + "resource_types: inner, outer)");
    }

    @Test
    void theRegistrysNamesAreTheBaseTypes() {
        ResourceTypeRegistry registry = ResourceTypeRegistry.withBuiltIns(java.time.Clock.systemUTC());

        assertThat(ResourceTypeChain.resolve("time", List.of(), registry).isBase()).isTrue();
        assertThatThrownBy(() -> ResourceTypeChain.resolve("git", List.of(), registry))
                .hasMessageContaining("base types: local-image, mock, registry-image, time; the pipeline's resource_types: none");
    }

    private static ResourceTypeConfig type(String name, String type, Map<String, Object> source) {
        return type(name, type, source, Map.of(), false, null, List.of(), Map.of());
    }

    private static ResourceTypeConfig type(String name, String type, Map<String, Object> source,
            Map<String, Object> defaults, boolean privileged, String checkEvery, List<String> tags,
            Map<String, Object> params) {
        return new ResourceTypeConfig(name, type, source, defaults, privileged, checkEvery, tags, params);
    }
}
