package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Pipeline;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Scopes and their versions: check order, Concourse's re-save rule, ids that stand for fields,
 * paging, metadata; disabled versions, pins and check status per resource.
 */
abstract class VersionStorageContract extends StorageContract {

    VersionStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    /** The {@code ver} values of the scope's versions, newest first. */
    private List<String> newestFirst(long scope) {
        return versions().versions(scope, Long.MAX_VALUE, 1000).stream()
                .map(v -> v.version().fields().get("ver"))
                .toList();
    }

    @Test
    void assignScopeFindsOrCreatesTheScopeOfAKey() {
        Fixture f = new Fixture(List.of("build"), "a", "b", "c");
        long a = f.scope("a");
        long b = f.scope("b");

        long sharedWithA = versions().assignScope(f.resource("c"), "scope:a");

        assertThat(a).isPositive();
        assertThat(b).isPositive().isNotEqualTo(a);
        assertThat(sharedWithA).isEqualTo(a);
        assertThat(resourceOf(ref("p"), "c").scopeId()).isEqualTo(a);
        assertThat(versions().findScope("scope:a")).hasValue(a);
        assertThat(versions().findScope("scope:c")).isEmpty();
        assertThat(versions().assignScope(f.resource("a"), "scope:a")).isEqualTo(a);
        assertThat(versions().findScope("nobody")).isEmpty();
    }

    @Test
    void aScopeIsDroppedWhenItsLastResourceMovesAway() {
        Fixture f = new Fixture(List.of("build"), "a", "b");
        long a = f.scope("a");
        versions().assignScope(f.resource("b"), "scope:a");
        f.check("a", "1");

        long moved = versions().assignScope(f.resource("a"), "scope:a2");

        assertThat(moved).isNotEqualTo(a);
        assertThat(versions().findScope("scope:a")).hasValue(a);
        assertThat(versions().latest(a).orElseThrow().version()).isEqualTo(v("1"));

        versions().assignScope(f.resource("b"), "scope:b2");

        assertThat(versions().findScope("scope:a")).isEmpty();
        assertThat(versions().latest(a)).isEmpty();
        long again = versions().assignScope(f.resource("a"), "scope:a");
        assertThat(again).isNotEqualTo(a);
        assertThat(versions().latest(again)).isEmpty();
    }

    @Test
    void assignScopeTakesResourceTypesAndRejectsUnknownIds() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")),
                List.of(resourceType("t", "busybox"))), -1, false, T0);
        PipelineResourceType t = pipelines().resourceTypes(p.id()).getFirst();

        long scope = versions().assignScope(t.id(), "type:t");

        assertThat(pipelines().resourceType(t.id()).orElseThrow().scopeId()).isEqualTo(scope);
        assertThatThrownBy(() -> versions().assignScope(987_654_321L, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(versions().findScope("x")).isEmpty();
    }

    @Test
    void saveVersionsGivesEachVersionAnIdAndAHigherCheckOrderOldestFirst() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");

        List<ResourceVersion> saved = versions().saveVersions(scope, versionsOf("1", "2", "3"), T0.plusSeconds(1));

        assertThat(saved).extracting(ResourceVersion::version).containsExactlyElementsOf(versionsOf("1", "2", "3"));
        assertThat(saved).extracting(ResourceVersion::id).doesNotHaveDuplicates().allMatch(id -> id > 0);
        assertThat(saved).extracting(ResourceVersion::checkOrder).isSorted().doesNotHaveDuplicates();
        assertThat(saved).allMatch(v -> v.scopeId() == scope && v.metadata().isEmpty()
                && v.firstSeen().equals(T0.plusSeconds(1)));
        assertThat(versions().latest(scope)).contains(saved.get(2));
        assertThat(newestFirst(scope)).containsExactly("3", "2", "1");
        assertThat(versions().find(scope, v("2"))).contains(saved.get(1));
        assertThat(versions().find(scope, saved.get(1).id())).contains(saved.get(1));
        assertThat(versions().find(scope, v("9"))).isEmpty();
        assertThat(versions().version(saved.get(0).id())).contains(v("1"));
    }

    @Test
    void aCheckWithoutNewVersionsChangesNothing() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        List<ResourceVersion> before = versions().saveVersions(scope, versionsOf("1", "2", "3"), T0);

        List<ResourceVersion> saved = versions().saveVersions(scope, versionsOf("3", "1"), T0.plusSeconds(60));

        assertThat(saved).isEmpty();
        assertThat(versions().versions(scope, Long.MAX_VALUE, 10)).containsExactlyElementsOf(before.reversed());
        assertThat(versions().saveVersions(scope, List.of(), T0)).isEmpty();
    }

    @Test
    void aCheckWithANewVersionPlacesEveryListedVersionOnTopInListOrder() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        List<ResourceVersion> before = versions().saveVersions(scope, versionsOf("1", "2", "3"), T0);

        List<ResourceVersion> saved = versions().saveVersions(scope, versionsOf("1", "4"), T0.plusSeconds(60));

        assertThat(saved).extracting(ResourceVersion::version).containsExactly(v("4"));
        assertThat(saved.getFirst().firstSeen()).isEqualTo(T0.plusSeconds(60));
        assertThat(newestFirst(scope)).containsExactly("4", "1", "3", "2");
        ResourceVersion one = versions().find(scope, v("1")).orElseThrow();
        assertThat(one.id()).isEqualTo(before.getFirst().id());
        assertThat(one.firstSeen()).isEqualTo(T0);
        assertThat(one.checkOrder()).isGreaterThan(before.get(2).checkOrder());
        assertThat(saved.getFirst().checkOrder()).isGreaterThan(one.checkOrder());
        assertThat(versions().latest(scope)).contains(saved.getFirst());
    }

    @Test
    void aVersionListedTwiceEndsWhereItsLastMentionPutsIt() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");

        List<ResourceVersion> saved = versions().saveVersions(scope, versionsOf("1", "2", "1"), T0);

        assertThat(saved).extracting(ResourceVersion::version).containsExactly(v("1"), v("2"));
        assertThat(newestFirst(scope)).containsExactly("1", "2");
        assertThat(saved.getFirst()).isEqualTo(versions().find(scope, v("1")).orElseThrow());
    }

    @Test
    void theSameFieldsHaveTheSameIdInEveryScope() {
        Fixture f = new Fixture(List.of("build"), "a", "b");
        ResourceVersion inA = versions().saveVersions(f.scope("a"), versionsOf("1", "2"), T0).getFirst();

        List<ResourceVersion> inB = versions().saveVersions(f.scope("b"), versionsOf("9", "1"), T0);

        assertThat(inB.get(1).id()).isEqualTo(inA.id());
        assertThat(inB.get(1).scopeId()).isEqualTo(f.scope("b"));
        assertThat(inB.get(0).id()).isNotEqualTo(inA.id());
        assertThat(versions().find(f.scope("b"), inA.id()).orElseThrow().checkOrder())
                .isEqualTo(inB.get(1).checkOrder());
        Version multi = new Version(Map.of("ref", "abc", "branch", "main"));
        long id = versions().saveVersions(f.scope("a"), List.of(multi), T0).getFirst().id();
        assertThat(versions().saveVersions(f.scope("b"),
                List.of(new Version(Map.of("branch", "main", "ref", "abc"))), T0).getFirst().id()).isEqualTo(id);
        assertThat(versions().version(987_654_321L)).isEmpty();
    }

    @Test
    void saveVersionsRejectsEmptyVersionsAndUnknownScopesAndSavesNothing() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");

        assertThatThrownBy(() -> versions().saveVersions(scope, List.of(v("1"), new Version(Map.of())), T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versions().saveVersions(987_654_321L, versionsOf("1"), T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versions().saveVersion(scope, new Version(Map.of()), List.of(), T0))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(versions().latest(scope)).isEmpty();
    }

    @Test
    void aPutsVersionGoesOnTopWhenNewAndKeepsItsPlaceOtherwise() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        versions().saveVersions(scope, versionsOf("1", "2"), T0);
        List<MetadataField> metadata = List.of(new MetadataField("commit", "abc"));

        ResourceVersion created = versions().saveVersion(scope, v("3"), metadata, T0.plusSeconds(1));
        ResourceVersion existing = versions().saveVersion(scope, v("1"), List.of(), T0.plusSeconds(2));

        assertThat(created.metadata()).isEqualTo(metadata);
        assertThat(created.firstSeen()).isEqualTo(T0.plusSeconds(1));
        assertThat(newestFirst(scope)).containsExactly("3", "2", "1");
        assertThat(existing).isEqualTo(versions().find(scope, v("1")).orElseThrow());
        assertThat(existing.firstSeen()).isEqualTo(T0);

        ResourceVersion withMetadata = versions().saveVersion(scope, v("1"), metadata, T0.plusSeconds(3));
        assertThat(withMetadata.metadata()).isEqualTo(metadata);
        assertThat(withMetadata.checkOrder()).isEqualTo(existing.checkOrder());
        assertThat(versions().saveVersion(scope, v("1"), List.of(), T0).metadata()).isEqualTo(metadata);
        assertThat(newestFirst(scope)).containsExactly("3", "2", "1");
    }

    @Test
    void updateMetadataReplacesTheMetadataOfAnExistingVersionOnly() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        ResourceVersion one = versions().saveVersions(scope, versionsOf("1"), T0).getFirst();
        List<MetadataField> metadata = List.of(new MetadataField("author", "ci"), new MetadataField("size", "3"));

        ResourceVersion updated = versions().updateMetadata(scope, v("1"), metadata).orElseThrow();

        assertThat(updated.metadata()).isEqualTo(metadata);
        assertThat(updated.checkOrder()).isEqualTo(one.checkOrder());
        assertThat(versions().find(scope, v("1"))).contains(updated);
        assertThat(versions().updateMetadata(scope, v("2"), metadata)).isEmpty();
        assertThat(versions().updateMetadata(987_654_321L, v("1"), metadata)).isEmpty();
        assertThat(versions().find(scope, v("2"))).isEmpty();
    }

    @Test
    void versionsArePagedNewestFirstInBothDirections() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        List<Version> all = IntStream.rangeClosed(1, 25).mapToObj(i -> v(Integer.toString(i))).toList();
        versions().saveVersions(scope, all, T0);

        List<ResourceVersion> seen = new ArrayList<>();
        List<ResourceVersion> page = versions().versions(scope, Long.MAX_VALUE, 7);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(7);
            seen.addAll(page);
            page = versions().versions(scope, page.getLast().checkOrder(), 7);
        }

        assertThat(seen).extracting(ResourceVersion::version).containsExactlyElementsOf(all.reversed());
        List<ResourceVersion> second = versions().versions(scope, seen.get(6).checkOrder(), 7);
        assertThat(versions().versionsNewerThan(scope, second.getFirst().checkOrder(), 7))
                .containsExactlyElementsOf(seen.subList(0, 7));
        assertThat(versions().versionsNewerThan(scope, seen.get(2).checkOrder(), 7))
                .containsExactlyElementsOf(seen.subList(0, 2));
        assertThat(versions().versions(scope, Long.MAX_VALUE, 0)).isEmpty();
        assertThat(versions().versions(987_654_321L, Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void disablingAVersionAffectsOnlyThatResource() {
        Fixture f = new Fixture(List.of("build"), "a", "b");
        long scope = f.scope("a");
        versions().assignScope(f.resource("b"), "scope:a");
        versions().saveVersions(scope, versionsOf("1", "2"), T0);
        long two = f.versionId("a", "2");

        assertThat(versions().disable(f.resource("a"), two)).isTrue();
        assertThat(versions().disable(f.resource("a"), two)).isFalse();

        assertThat(versions().disabledVersions(f.resource("a"))).containsExactly(two);
        assertThat(versions().disabledVersions(f.resource("b"))).isEmpty();
        assertThat(history().isDisabled(f.resource("a"), two)).isTrue();
        assertThat(history().isDisabled(f.resource("b"), two)).isFalse();
        assertThat(history().latestVersion(f.resource("a")).orElseThrow().version()).isEqualTo(v("1"));
        assertThat(history().latestVersion(f.resource("b")).orElseThrow().version()).isEqualTo(v("2"));
        assertThat(versions().latest(scope).orElseThrow().version()).isEqualTo(v("2"));

        assertThat(versions().enable(f.resource("a"), two)).isTrue();
        assertThat(versions().enable(f.resource("a"), two)).isFalse();
        assertThat(versions().disabledVersions(f.resource("a"))).isEmpty();
        assertThat(history().latestVersion(f.resource("a")).orElseThrow().version()).isEqualTo(v("2"));
    }

    @Test
    void disableAndEnableRejectUnknownResourcesAndVersions() {
        Fixture f = new Fixture(List.of("build"), "a");
        f.check("a", "1");
        long one = f.versionId("a", "1");

        assertThatThrownBy(() -> versions().disable(987_654_321L, one)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versions().disable(f.resource("a"), 987_654_321L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versions().enable(987_654_321L, one)).isInstanceOf(IllegalArgumentException.class);
        assertThat(versions().disabledVersions(f.resource("a"))).isEmpty();
        assertThat(versions().disabledVersions(987_654_321L)).isEmpty();
    }

    @Test
    void pinUnpinAndCommentThroughTheApi() {
        Fixture f = new Fixture(List.of("build"), "a");
        f.check("a", "1", "2");
        long a = f.resource("a");

        Resource pinned = versions().pin(a, f.versionId("a", "1"), "broken in 2").orElseThrow();

        assertThat(pinned.isPinned()).isTrue();
        assertThat(pinned.pinnedVersion()).isEqualTo(Map.of("ver", "1"));
        assertThat(pinned.pinnedInConfig()).isFalse();
        assertThat(pinned.pinComment()).isEqualTo("broken in 2");
        assertThat(resourceOf(ref("p"), "a")).isEqualTo(pinned);

        Resource repinned = versions().pin(a, f.versionId("a", "2"), null).orElseThrow();
        assertThat(repinned.pinnedVersion()).isEqualTo(Map.of("ver", "2"));
        assertThat(repinned.pinComment()).isEmpty();

        Resource commented = versions().setPinComment(a, "fixed").orElseThrow();
        assertThat(commented.pinComment()).isEqualTo("fixed");
        assertThat(commented.pinnedVersion()).isEqualTo(Map.of("ver", "2"));

        Resource unpinned = versions().unpin(a).orElseThrow();
        assertThat(unpinned.isPinned()).isFalse();
        assertThat(unpinned.pinComment()).isEmpty();
        assertThat(versions().unpin(a)).contains(unpinned);
        assertThat(versions().setPinComment(a, "nothing pinned")).isEmpty();
        assertThat(resourceOf(ref("p"), "a")).isEqualTo(unpinned);
    }

    @Test
    void pinRejectsVersionsOutsideTheScopeAndUnknownResources() {
        Fixture f = new Fixture(List.of("build"), "a", "b");
        f.check("b", "elsewhere");
        f.check("a", "1");

        assertThatThrownBy(() -> versions().pin(f.resource("a"), f.versionId("b", "elsewhere"), ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(versions().pin(987_654_321L, f.versionId("a", "1"), "")).isEmpty();
        assertThat(versions().unpin(987_654_321L)).isEmpty();
        assertThat(versions().setPinComment(987_654_321L, "x")).isEmpty();
        assertThat(resourceOf(ref("p"), "a").isPinned()).isFalse();
    }

    @Test
    void aConfigPinCannotBeChangedThroughTheApi() {
        mainTeam();
        pipelines().save(ref("p"), pipelineConfig(List.of("build"),
                resource("a", null, "git", "https://example.com/a.git", Map.of("ver", "1"))), -1, false, T0);
        Resource a = resourceOf(ref("p"), "a");
        long scope = versions().assignScope(a.id(), "scope:a");
        versions().saveVersions(scope, versionsOf("1", "2"), T0);
        long two = versions().find(scope, v("2")).orElseThrow().id();

        assertThatThrownBy(() -> versions().pin(a.id(), two, "")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> versions().unpin(a.id())).isInstanceOf(IllegalStateException.class);

        Resource after = resourceOf(ref("p"), "a");
        assertThat(after.pinnedVersion()).isEqualTo(Map.of("ver", "1"));
        assertThat(after.pinnedInConfig()).isTrue();
        assertThat(versions().setPinComment(a.id(), "set in git").orElseThrow().pinComment()).isEqualTo("set in git");
    }

    @Test
    void recordCheckKeepsTheLastCheckOfResourcesAndTypes() {
        mainTeam();
        Pipeline p = pipelines().save(ref("p"), pipelineConfig(List.of("build"), List.of(resource("a")),
                List.of(resourceType("t", "busybox"))), -1, false, T0);
        long a = resourceOf(ref("p"), "a").id();
        long t = pipelines().resourceTypes(p.id()).getFirst().id();

        versions().recordCheck(a, T0.plusSeconds(10), "exit status 1");
        Resource failed = resourceOf(ref("p"), "a");
        versions().recordCheck(a, T0.plusSeconds(20), null);
        versions().recordCheck(t, T0.plusSeconds(30), "no such image");

        assertThat(failed.lastChecked()).isEqualTo(T0.plusSeconds(10));
        assertThat(failed.checkError()).isEqualTo("exit status 1");
        Resource ok = resourceOf(ref("p"), "a");
        assertThat(ok.lastChecked()).isEqualTo(T0.plusSeconds(20));
        assertThat(ok.checkError()).isNull();
        PipelineResourceType type = pipelines().resourceType(t).orElseThrow();
        assertThat(type.lastChecked()).isEqualTo(T0.plusSeconds(30));
        assertThat(type.checkError()).isEqualTo("no such image");
        assertThatThrownBy(() -> versions().recordCheck(987_654_321L, T0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailedTransactionLeavesNoVersionsScopesPinsOrDisabledVersions() {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        f.check("a", "1");
        long one = f.versionId("a", "1");
        RuntimeException boom = new IllegalStateException("boom");
        List<Long> created = new ArrayList<>();

        assertThatThrownBy(() -> storage().inTransaction(() -> {
            created.add(versions().saveVersions(scope, versionsOf("2", "1"), T0).getFirst().id());
            versions().saveVersion(scope, v("3"), List.of(), T0);
            versions().disable(f.resource("a"), one);
            versions().pin(f.resource("a"), one, "x");
            versions().recordCheck(f.resource("a"), T0, "failed");
            versions().assignScope(f.resource("a"), "scope:other");
            throw boom;
        })).isSameAs(boom);

        assertThat(newestFirst(scope)).containsExactly("1");
        assertThat(versions().version(created.getFirst())).isEmpty();
        assertThat(versions().disabledVersions(f.resource("a"))).isEmpty();
        Resource a = resourceOf(ref("p"), "a");
        assertThat(a.isPinned()).isFalse();
        assertThat(a.lastChecked()).isNull();
        assertThat(a.scopeId()).isEqualTo(scope);
        assertThat(versions().findScope("scope:other")).isEmpty();
        assertThat(versions().findScope("scope:a")).hasValue(scope);
    }

    @Test
    void concurrentChecksOfOneScopeGiveEveryVersionItsOwnCheckOrder() throws Exception {
        Fixture f = new Fixture(List.of("build"), "a");
        long scope = f.scope("a");
        int perThread = 30;

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        versions().saveVersions(scope, List.of(v("shared"), v(thread + "-" + i)), T0);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        List<ResourceVersion> all = versions().versions(scope, Long.MAX_VALUE, 10_000);
        assertThat(all).hasSize(THREADS * perThread + 1);
        assertThat(all).extracting(ResourceVersion::checkOrder).doesNotHaveDuplicates();
        assertThat(all).extracting(ResourceVersion::id).doesNotHaveDuplicates();
        assertThat(versions().latest(scope)).contains(all.getFirst());
    }
}
