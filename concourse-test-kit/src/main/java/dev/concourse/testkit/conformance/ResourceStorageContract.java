package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Pipeline;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.spi.storage.Storage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Resources and resource types as rows, brought in line with the config by {@code save}. */
abstract class ResourceStorageContract extends StorageContract {

    ResourceStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    @Test
    void saveCreatesTheConfigsResourcesInConfigOrder() {
        mainTeam();
        ResourceConfig repo = resource("repo");
        ResourceConfig image = resource("image", null, "registry-image", "busybox", Map.of());
        ResourceConfig alpha = resource("alpha");
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), repo, image, alpha), -1, false, T0);

        List<Resource> resources = pipelines().resources(p.id());

        assertThat(resources).extracting(r -> r.ref().name()).containsExactly("repo", "image", "alpha");
        assertThat(resources).extracting(Resource::config).containsExactly(repo, image, alpha);
        assertThat(resources).extracting(Resource::ref).containsExactly(ref("p").resource("repo"),
                ref("p").resource("image"), ref("p").resource("alpha"));
        assertThat(resources).extracting(Resource::id).doesNotHaveDuplicates().allMatch(id -> id > 0);
        Resource first = resources.getFirst();
        assertThat(first.scopeId()).isZero();
        assertThat(first.isPinned()).isFalse();
        assertThat(first.pinnedVersion()).isEmpty();
        assertThat(first.pinnedInConfig()).isFalse();
        assertThat(first.pinComment()).isEmpty();
        assertThat(first.lastChecked()).isNull();
        assertThat(first.checkError()).isNull();
        assertThat(pipelines().resource(ref("p").resource("image"))).contains(resources.get(1));
        assertThat(pipelines().resource(resources.get(2).id())).contains(resources.get(2));
    }

    @Test
    void resourceTypesAreRowsTooAndShareTheIdSequenceWithResources() {
        mainTeam();
        PipelineConfig config = pipelineConfig(List.of("build"),
                List.of(resource("repo", null, "my-git", "https://example.com/r.git", Map.of())),
                List.of(resourceType("my-git", "concourse/git-resource"), resourceType("other", "busybox")));
        Pipeline p = pipelines().save(ref("p"), config, -1, false, T0);

        List<PipelineResourceType> types = pipelines().resourceTypes(p.id());

        assertThat(types).extracting(PipelineResourceType::name).containsExactly("my-git", "other");
        assertThat(types).extracting(PipelineResourceType::config).containsExactlyElementsOf(config.resourceTypes());
        assertThat(types).allMatch(t -> t.pipeline().equals(ref("p")) && t.scopeId() == 0 && t.lastChecked() == null);
        assertThat(types).extracting(PipelineResourceType::id).doesNotHaveDuplicates().allMatch(id -> id > 0)
                .doesNotContain(resourceOf(ref("p"), "repo").id());
        assertThat(pipelines().resourceType(types.get(1).id())).contains(types.get(1));
        assertThat(pipelines().resource(types.getFirst().id())).isEmpty();
        assertThat(pipelines().resourceType(resourceOf(ref("p"), "repo").id())).isEmpty();
    }

    @Test
    void savingKeepsIdsScopesPinsDisabledVersionsAndCheckStatus() {
        mainTeam();
        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a"), resource("b")), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");
        long scope = versions().assignScope(a.id(), "scope:a");
        versions().saveVersions(scope, versionsOf("1", "2"), T0);
        long one = versions().find(scope, v("1")).orElseThrow().id();
        versions().pin(a.id(), one, "hold");
        versions().disable(a.id(), versions().find(scope, v("2")).orElseThrow().id());
        versions().recordCheck(a.id(), T0.plusSeconds(5), "boom");
        ResourceConfig changed = new ResourceConfig("a", null, true, "token", "git", a.config().source(), "1m", null,
                List.of("tag"), Map.of(), "github", false);

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("b"), changed), -1, false, T0);

        Resource after = resourceOf(ref("p"), "a");
        assertThat(after.id()).isEqualTo(a.id());
        assertThat(after.config()).isEqualTo(changed);
        assertThat(after.scopeId()).isEqualTo(scope);
        assertThat(after.pinnedVersion()).isEqualTo(Map.of("ver", "1"));
        assertThat(after.pinComment()).isEqualTo("hold");
        assertThat(after.lastChecked()).isEqualTo(T0.plusSeconds(5));
        assertThat(after.checkError()).isEqualTo("boom");
        assertThat(versions().disabledVersions(a.id())).hasSize(1);
        assertThat(pipelines().resources(pipelines().find(ref("p")).orElseThrow().id()))
                .extracting(r -> r.ref().name()).containsExactly("b", "a");
    }

    @Test
    void changingTheTypeOrSourceDropsTheScopeButKeepsTheVersionIds() {
        mainTeam();
        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a"), resource("b")), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");
        Resource b = resourceOf(ref("p"), "b");
        long scopeA = versions().assignScope(a.id(), "scope:a");
        long scopeB = versions().assignScope(b.id(), "scope:b");
        ResourceVersion one = versions().saveVersions(scopeA, versionsOf("1"), T0).getFirst();
        versions().saveVersions(scopeB, versionsOf("1"), T0);
        versions().disable(a.id(), one.id());

        pipelines().save(ref("p"), pipelineConfig(List.of("build"),
                resource("a", null, "git", "https://example.com/moved.git", Map.of()),
                resource("b", null, "hg", "https://example.com/b.git", Map.of())), -1, false, T0);

        assertThat(resourceOf(ref("p"), "a").scopeId()).isZero();
        assertThat(resourceOf(ref("p"), "b").scopeId()).isZero();
        assertThat(versions().findScope("scope:a")).isEmpty();
        assertThat(versions().findScope("scope:b")).isEmpty();
        assertThat(versions().find(scopeA, one.id())).isEmpty();
        assertThat(versions().latest(scopeA)).isEmpty();
        assertThat(versions().version(one.id())).contains(v("1"));
        assertThat(versions().disabledVersions(a.id())).containsExactly(one.id());

        long newScope = versions().assignScope(a.id(), "scope:a:moved");
        ResourceVersion again = versions().saveVersions(newScope, versionsOf("1"), T0).getFirst();
        assertThat(again.id()).isEqualTo(one.id());
        assertThat(history().isDisabled(a.id(), again.id())).isTrue();
    }

    @Test
    void aResourceRemovedFromTheConfigIsHiddenAndComesBackWithItsVersions() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a"), resource("b")), -1,
                false, T0);
        Resource b = resourceOf(ref("p"), "b");
        long scope = versions().assignScope(b.id(), "scope:b");
        versions().saveVersions(scope, versionsOf("1", "2"), T0);

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);

        assertThat(pipelines().resources(p.id())).extracting(r -> r.ref().name()).containsExactly("a");
        assertThat(pipelines().resource(ref("p").resource("b"))).isEmpty();
        assertThat(pipelines().resource(b.id())).isEmpty();
        assertThat(versions().findScope("scope:b")).hasValue(scope);
        assertThat(versions().latest(scope).orElseThrow().version()).isEqualTo(v("2"));
        assertThat(history().latestVersion(b.id()).orElseThrow().version()).isEqualTo(v("2"));

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a"), resource("b")), -1, false, T0);

        Resource back = resourceOf(ref("p"), "b");
        assertThat(back.id()).isEqualTo(b.id());
        assertThat(back.scopeId()).isEqualTo(scope);
    }

    @Test
    void oldNameRenamesAResourceKeepingItsIdAndVersions() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("repo")), -1, false, T0);
        Resource repo = resourceOf(ref("p"), "repo");
        long scope = versions().assignScope(repo.id(), "scope:repo");

        pipelines().save(ref("p"), pipelineConfig(List.of("build"),
                resource("source", "repo", "git", "https://example.com/repo.git", Map.of())), -1, false, T0);

        assertThat(pipelines().resources(p.id())).extracting(r -> r.ref().name()).containsExactly("source");
        assertThat(pipelines().resource(ref("p").resource("repo"))).isEmpty();
        Resource renamed = resourceOf(ref("p"), "source");
        assertThat(renamed.id()).isEqualTo(repo.id());
        assertThat(renamed.scopeId()).isEqualTo(scope);
        assertThat(renamed.config().oldName()).isEqualTo("repo");
    }

    @Test
    void oldNameIsIgnoredWhileAResourceOfThatNameIsStillInTheConfig() {
        mainTeam();
        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a"),
                resource("b", "a", "git", "https://example.com/a.git", Map.of())), -1, false, T0);

        assertThat(resourceOf(ref("p"), "a").id()).isEqualTo(a.id());
        assertThat(resourceOf(ref("p"), "b").id()).isNotEqualTo(a.id());
    }

    @Test
    void theConfigsVersionPinsTheResourceOverAnApiPin() {
        mainTeam();
        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");
        long scope = versions().assignScope(a.id(), "scope:a");
        versions().saveVersions(scope, versionsOf("1", "2"), T0);
        versions().pin(a.id(), versions().find(scope, v("1")).orElseThrow().id(), "api");
        ResourceConfig pinned = resource("a", null, "git", "https://example.com/a.git", Map.of("ver", "2"));

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), pinned), -1, false, T0);

        Resource byConfig = resourceOf(ref("p"), "a");
        assertThat(byConfig.pinnedVersion()).isEqualTo(Map.of("ver", "2"));
        assertThat(byConfig.pinnedInConfig()).isTrue();
        assertThat(byConfig.pinComment()).isEmpty();
        assertThat(byConfig.scopeId()).isEqualTo(scope);

        versions().setPinComment(a.id(), "from config");
        pipelines().save(ref("p"), pipelineConfig(List.of("build"), pinned), -1, false, T0);
        assertThat(resourceOf(ref("p"), "a").pinComment()).isEqualTo("from config");

        pipelines().save(ref("p"), pipelineConfig(List.of("build"),
                resource("a", null, "git", "https://example.com/a.git", Map.of("ver", "1"))), -1, false, T0);
        Resource repinned = resourceOf(ref("p"), "a");
        assertThat(repinned.pinnedVersion()).isEqualTo(Map.of("ver", "1"));
        assertThat(repinned.pinComment()).isEmpty();

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);
        Resource unpinned = resourceOf(ref("p"), "a");
        assertThat(unpinned.isPinned()).isFalse();
        assertThat(unpinned.pinnedInConfig()).isFalse();
    }

    @Test
    void anApiPinSurvivesSavingAConfigWithoutVersion() {
        mainTeam();
        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");
        long scope = versions().assignScope(a.id(), "scope:a");
        versions().saveVersions(scope, versionsOf("1"), T0);
        versions().pin(a.id(), versions().find(scope, v("1")).orElseThrow().id(), "wait for the fix");

        pipelines().save(ref("p"), pipelineConfig(List.of("build", "test"), resource("a")), -1, false, T0);

        Resource after = resourceOf(ref("p"), "a");
        assertThat(after.pinnedVersion()).isEqualTo(Map.of("ver", "1"));
        assertThat(after.pinnedInConfig()).isFalse();
        assertThat(after.pinComment()).isEqualTo("wait for the fix");
    }

    @Test
    void saveRejectsTwoResourcesOrTwoTypesOfOneNameAndChangesNothing() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);

        assertThatThrownBy(() -> pipelines().save(ref("p"),
                pipelineConfig(List.of("build"), resource("b"), resource("b")), -1, false, T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("c")),
                List.of(resourceType("t", "x"), resourceType("t", "y"))), -1, false, T0))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(pipelines().find(ref("p"))).contains(p);
        assertThat(pipelines().resources(p.id())).extracting(r -> r.ref().name()).containsExactly("a");
        assertThat(pipelines().resourceTypes(p.id())).isEmpty();
    }

    @Test
    void typesKeepTheirScopeAndCheckStatusUntilTheirSourceChanges() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")),
                List.of(resourceType("t", "one"), resourceType("u", "two"))), -1, false, T0);
        PipelineResourceType t = pipelines().resourceTypes(p.id()).getFirst();
        long scope = versions().assignScope(t.id(), "scope:t");
        versions().recordCheck(t.id(), T0.plusSeconds(9), null);

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")),
                List.of(resourceType("u", "two"), resourceType("t", "one"))), -1, false, T0);

        PipelineResourceType kept = pipelines().resourceTypes(p.id()).get(1);
        assertThat(pipelines().resourceTypes(p.id())).extracting(PipelineResourceType::name).containsExactly("u", "t");
        assertThat(kept.id()).isEqualTo(t.id());
        assertThat(kept.scopeId()).isEqualTo(scope);
        assertThat(kept.lastChecked()).isEqualTo(T0.plusSeconds(9));

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")),
                List.of(resourceType("t", "three"))), -1, false, T0);

        PipelineResourceType changed = pipelines().resourceTypes(p.id()).getFirst();
        assertThat(changed.id()).isEqualTo(t.id());
        assertThat(changed.scopeId()).isZero();
        assertThat(versions().findScope("scope:t")).isEmpty();
        assertThat(pipelines().resourceTypes(p.id())).hasSize(1);

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")), List.of()), -1, false, T0);
        assertThat(pipelines().resourceTypes(p.id())).isEmpty();
        assertThat(pipelines().resourceType(t.id())).isEmpty();
    }

    @Test
    void archiveHidesResourcesAndSettingThePipelineAgainBringsThemBack() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")),
                List.of(resourceType("t", "one"))), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");
        long scope = versions().assignScope(a.id(), "scope:a");

        pipelines().archive(ref("p"));

        assertThat(pipelines().resources(p.id())).isEmpty();
        assertThat(pipelines().resourceTypes(p.id())).isEmpty();
        assertThat(pipelines().resource(a.id())).isEmpty();
        assertThat(versions().findScope("scope:a")).hasValue(scope);

        pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);
        assertThat(resourceOf(ref("p"), "a").id()).isEqualTo(a.id());
        assertThat(resourceOf(ref("p"), "a").scopeId()).isEqualTo(scope);
    }

    @Test
    void deleteRemovesResourcesAndDropsScopesNoOtherResourceUses() {
        mainTeam();
        pipelines().save(ref("doomed"), pipelineConfig(List.of("build"), List.of(resource("a"), resource("b")),
                List.of(resourceType("t", "x"))), -1, false, T0);
        pipelines().save(ref("kept"), pipelineConfig(List.of("build"), resource("b")), -1, false, T0);
        Resource a = resourceOf(ref("doomed"), "a");
        long own = versions().assignScope(a.id(), "scope:a");
        long shared = versions().assignScope(resourceOf(ref("doomed"), "b").id(), "shared:b");
        versions().assignScope(resourceOf(ref("kept"), "b").id(), "shared:b");
        ResourceVersion one = versions().saveVersions(own, versionsOf("1"), T0).getFirst();
        versions().saveVersions(shared, versionsOf("1"), T0);
        versions().disable(a.id(), one.id());

        assertThat(pipelines().delete(ref("doomed"))).isTrue();

        assertThat(pipelines().resource(a.id())).isEmpty();
        assertThat(versions().findScope("scope:a")).isEmpty();
        assertThat(versions().latest(own)).isEmpty();
        assertThat(versions().disabledVersions(a.id())).isEmpty();
        assertThat(versions().findScope("shared:b")).hasValue(shared);
        assertThat(history().latestVersion(resourceOf(ref("kept"), "b").id()).orElseThrow().id())
                .isEqualTo(one.id());
        assertThat(versions().version(one.id())).contains(v("1"));
    }

    @Test
    void unknownResourcesAreEmpty() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), resource("a")), -1, false, T0);

        assertThat(pipelines().resource(ref("p").resource("zzz"))).isEmpty();
        assertThat(pipelines().resource(ref("q").resource("a"))).isEmpty();
        assertThat(pipelines().resource(987_654_321L)).isEmpty();
        assertThat(pipelines().resources(987_654_321L)).isEmpty();
        assertThat(pipelines().resourceTypes(p.id())).isEmpty();
        assertThat(pipelines().resourceType(987_654_321L)).isEmpty();
        assertThat(Set.copyOf(pipelines().resources(p.id()))).hasSize(1);
    }
}
