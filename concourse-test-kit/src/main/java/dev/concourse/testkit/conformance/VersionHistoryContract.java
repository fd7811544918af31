package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.VersionUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's read view: a resource's versions by check order with disabled ones skipped,
 * first occurrence, a job's latest use of a resource, successful builds in Concourse's order
 * (reruns included) with version constraints and paging, successful outputs, and pipes.
 */
abstract class VersionHistoryContract extends StorageContract {

    VersionHistoryContract(Supplier<Storage> storage) {
        super(storage);
    }

    private static List<String> values(List<ResourceVersion> versions) {
        return versions.stream().map(v -> v.version().fields().get("ver")).toList();
    }

    private static List<Long> ids(List<BuildCursor> builds) {
        return builds.stream().map(BuildCursor::id).toList();
    }

    @Test
    void aResourcesVersionsComeFromItsCurrentScopeWithDisabledOnesSkipped() {
        Fixture f = new Fixture(List.of("current"), "x", "unchecked");
        f.check("x", "1", "2", "3", "4", "5");
        long x = f.resource("x");
        versions().disable(x, f.versionId("x", "5"));
        versions().disable(x, f.versionId("x", "3"));

        assertThat(history().latestVersion(x).orElseThrow().version()).isEqualTo(v("4"));
        assertThat(history().latestVersionAtOrBelow(x, f.version("x", "4").checkOrder()).orElseThrow().version())
                .isEqualTo(v("4"));
        assertThat(history().latestVersionAtOrBelow(x, f.version("x", "3").checkOrder()).orElseThrow().version())
                .isEqualTo(v("2"));
        assertThat(history().latestVersionAtOrBelow(x, 0)).isEmpty();
        assertThat(values(history().versionsAbove(x, f.version("x", "1").checkOrder(), 10)))
                .containsExactly("2", "4");
        assertThat(values(history().versionsAbove(x, f.version("x", "1").checkOrder(), 1))).containsExactly("2");
        assertThat(values(history().versionsAbove(x, 0, 10))).containsExactly("1", "2", "4");
        assertThat(history().versionsAbove(x, f.version("x", "5").checkOrder(), 10)).isEmpty();
        assertThat(history().version(x, f.versionId("x", "5"))).contains(f.version("x", "5"));
        assertThat(history().version(x, 987_654_321L)).isEmpty();

        long unchecked = f.resource("unchecked");
        assertThat(history().latestVersion(unchecked)).isEmpty();
        assertThat(history().versionsAbove(unchecked, 0, 10)).isEmpty();
        assertThat(history().latestVersion(987_654_321L)).isEmpty();
    }

    @Test
    void checkOrderNotIdDecidesWhichVersionIsLatest() {
        Fixture f = new Fixture(List.of("current"), "x");
        f.check("x", "1", "2");
        f.check("x", "3", "1");

        assertThat(history().latestVersion(f.resource("x")).orElseThrow().version()).isEqualTo(v("1"));
        assertThat(values(history().versionsAbove(f.resource("x"), 0, 10))).containsExactly("2", "3", "1");
    }

    @Test
    void findVersionMatchesSomeFieldsAndPrefersTheHighestCheckOrder() {
        Fixture f = new Fixture(List.of("current"), "x");
        long scope = f.scope("x");
        Version older = new Version(Map.of("ref", "abc", "branch", "main", "n", "1"));
        Version newer = new Version(Map.of("ref", "abc", "branch", "main", "n", "2"));
        Version other = new Version(Map.of("ref", "def", "branch", "main", "n", "3"));
        versions().saveVersions(scope, List.of(older, newer, other), T0);
        long x = f.resource("x");
        versions().disable(x, versions().find(scope, newer).orElseThrow().id());

        assertThat(history().findVersion(x, Map.of("ref", "abc")).orElseThrow().version()).isEqualTo(newer);
        assertThat(history().findVersion(x, Map.of("ref", "abc", "n", "1")).orElseThrow().version())
                .isEqualTo(older);
        assertThat(history().findVersion(x, Map.of("branch", "main")).orElseThrow().version()).isEqualTo(other);
        assertThat(history().findVersion(x, Map.of("ref", "zzz"))).isEmpty();
        assertThat(history().findVersion(x, Map.of("nope", "abc"))).isEmpty();
    }

    @Test
    void aVersionIsAFirstOccurrenceUntilABuildOfTheJobHadItAsThatInput() {
        Fixture f = new Fixture(List.of("current", "other"), "x");
        f.check("x", "1", "2");
        long current = f.job("current");
        long x = f.resource("x");
        long one = f.versionId("x", "1");
        assertThat(history().isFirstOccurrence(current, "x", x, one)).isTrue();

        Build pending = f.build("current").input(f, "x", "1").pending();

        assertThat(history().isFirstOccurrence(current, "x", x, one)).isFalse();
        assertThat(history().isFirstOccurrence(current, "renamed", x, one)).isTrue();
        assertThat(history().isFirstOccurrence(current, "x", x, f.versionId("x", "2"))).isTrue();
        assertThat(history().isFirstOccurrence(f.job("other"), "x", x, one)).isTrue();

        builds().finish(pending.id(), BuildStatus.ABORTED, T0);
        f.build("current").input(f, "x", "2").finish(BuildStatus.FAILED);

        assertThat(history().isFirstOccurrence(current, "x", x, one)).isFalse();
        assertThat(history().isFirstOccurrence(current, "x", x, f.versionId("x", "2"))).isFalse();
    }

    @Test
    void latestUseIsTheHighestCheckOrderVersionTheJobUsedWithItsNewestBuild() {
        Fixture f = new Fixture(List.of("current", "other"), "x");
        f.check("x", "1", "2", "3", "4");
        long current = f.job("current");
        long x = f.resource("x");
        assertThat(history().latestUse(current, x)).isEmpty();

        f.build("current").input(f, "x", "1").succeed();
        Build usedThree = f.build("current").input(f, "x", "3").finish(BuildStatus.FAILED);
        f.build("current").input(f, "x", "2").succeed();
        Build usedThreeAgain = f.build("current").input(f, "again", "x", "3").pending();
        f.build("other").input(f, "x", "4").succeed();

        VersionUse use = history().latestUse(current, x).orElseThrow();
        assertThat(use.version()).isEqualTo(f.version("x", "3"));
        assertThat(use.buildId()).isEqualTo(usedThreeAgain.id()).isGreaterThan(usedThree.id());

        versions().disable(x, f.versionId("x", "3"));
        assertThat(history().latestUse(current, x).orElseThrow().version()).isEqualTo(f.version("x", "3"));

        f.check("x", "5", "2");
        assertThat(history().latestUse(current, x).orElseThrow().version()).isEqualTo(f.version("x", "2"));
    }

    @Test
    void latestUseFindsAnOldUseAmongManyVersionsAndOnlyVersionsOfTheCurrentScope() {
        Fixture f = new Fixture(List.of("current"), "x");
        f.check("x", IntStream.rangeClosed(1, 300).mapToObj(Integer::toString).toArray(String[]::new));
        long current = f.job("current");
        long x = f.resource("x");
        Build old = f.build("current").input(f, "x", "10").succeed();

        assertThat(history().latestUse(current, x)).contains(new VersionUse(f.version("x", "10"), old.id()));

        long moved = versions().assignScope(x, "scope:x:moved");
        versions().saveVersions(moved, versionsOf("500", "501"), T0);
        assertThat(history().latestUse(current, x)).isEmpty();

        versions().saveVersions(moved, versionsOf("10", "502"), T0);
        VersionUse again = history().latestUse(current, x).orElseThrow();
        assertThat(again.version().scopeId()).isEqualTo(moved);
        assertThat(again.version().version()).isEqualTo(v("10"));
        assertThat(again.buildId()).isEqualTo(old.id());
        assertThat(history().isFirstOccurrence(current, "x", x, again.version().id())).isFalse();
    }

    @Test
    void successfulBuildsAreNewestFirstWithRerunsNextToTheirOriginal() {
        Fixture f = new Fixture(List.of("upstream"), "x");
        f.check("x", "1");
        long job = f.job("upstream");
        Build b1 = f.build("upstream").input(f, "x", "1").succeed();
        Build b2 = f.build("upstream").input(f, "x", "1").succeed();
        Build b3 = f.build("upstream").input(f, "x", "1").finish(BuildStatus.FAILED);
        Build b4 = f.build("upstream").input(f, "x", "1").succeed();
        Build b5 = f.build("upstream").input(f, "x", "1").succeed();
        Build b2r1 = f.rerun("upstream", b2.id()).input(f, "x", "1").succeed();
        Build b4r1 = f.rerun("upstream", b4.id()).input(f, "x", "1").succeed();
        Build b2r2 = f.rerun("upstream", b2.id()).input(f, "x", "1").succeed();
        Build b3r1 = f.rerun("upstream", b3.id()).input(f, "x", "1").succeed();
        f.build("upstream").input(f, "x", "1").pending();

        List<Long> expected = List.of(b5.id(), b4r1.id(), b4.id(), b3r1.id(), b2r2.id(), b2r1.id(), b2.id(),
                b1.id());
        assertThat(ids(history().successfulBuilds(job, Map.of(), null, 100))).containsExactlyElementsOf(expected);

        List<Long> paged = new ArrayList<>();
        List<BuildCursor> page = history().successfulBuilds(job, Map.of(), null, 3);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(3);
            page.forEach(c -> paged.add(c.id()));
            page = history().successfulBuilds(job, Map.of(), page.getLast(), 3);
        }
        assertThat(paged).containsExactlyElementsOf(expected);

        BuildCursor rerun = history().successfulBuilds(job, Map.of(), null, 100).get(4);
        assertThat(rerun).isEqualTo(new BuildCursor(b2r2.id(), job, b2.id()));
        assertThat(rerun.orderKey()).isEqualTo(b2.id());
        assertThat(ids(history().successfulBuilds(job, Map.of(), rerun, 100)))
                .containsExactly(b2r1.id(), b2.id(), b1.id());
        assertThat(ids(history().successfulBuildsFrom(job, Map.of(), rerun, 2))).containsExactly(b2r2.id(), b2r1.id());
        assertThat(ids(history().successfulBuildsNewerThan(job, Map.of(), rerun)))
                .containsExactly(b3r1.id(), b4.id(), b4r1.id(), b5.id());
        BuildCursor four = cursor(b4, job);
        assertThat(ids(history().successfulBuildsNewerThan(job, Map.of(), four))).containsExactly(b4r1.id(), b5.id());
        assertThat(ids(history().successfulBuildsFrom(job, Map.of(), four, 2))).containsExactly(b4.id(), b3r1.id());
        BuildCursor failedThree = cursor(b3, job);
        assertThat(ids(history().successfulBuildsFrom(job, Map.of(), failedThree, 1))).containsExactly(b2r2.id());
        assertThat(history().successfulBuilds(job, Map.of(), null, 0)).isEmpty();
        assertThat(history().successfulBuilds(987_654_321L, Map.of(), null, 10)).isEmpty();
    }

    @Test
    void successfulBuildsCanBeRestrictedToThoseWhoseOutputsContainVersions() {
        Fixture f = new Fixture(List.of("upstream"), "x", "y");
        f.check("x", "1", "2", "3");
        f.check("y", "1", "2");
        long job = f.job("upstream");
        long x = f.resource("x");
        long y = f.resource("y");
        long x1 = f.versionId("x", "1");
        long x2 = f.versionId("x", "2");
        long y1 = f.versionId("y", "1");
        long y2 = f.versionId("y", "2");
        Build b1 = f.build("upstream").input(f, "x", "1").input(f, "y", "1").succeed();
        Build b2 = f.build("upstream").input(f, "x", "2").output(f, "y", "1").succeed();
        Build b3 = f.build("upstream").input(f, "x", "1").output(f, "y", "2").succeed();
        f.build("upstream").input(f, "x", "1").input(f, "y", "1").finish(BuildStatus.FAILED);
        Build b5 = f.build("upstream").input(f, "x", "2").output(f, "x", "1").input(f, "y", "1").succeed();
        Build rerun = f.rerun("upstream", b1.id()).input(f, "x", "1").input(f, "y", "2").succeed();

        assertThat(ids(history().successfulBuilds(job, Map.of(x, Set.of(x1)), null, 10)))
                .containsExactly(b5.id(), b3.id(), rerun.id(), b1.id());
        assertThat(ids(history().successfulBuilds(job, Map.of(x, Set.of(x1), y, Set.of(y1)), null, 10)))
                .containsExactly(b5.id(), b1.id());
        assertThat(ids(history().successfulBuilds(job, Map.of(x, Set.of(x1, x2)), null, 10)))
                .containsExactly(b5.id());
        assertThat(ids(history().successfulBuilds(job, Map.of(y, Set.of(y2)), null, 10)))
                .containsExactly(b3.id(), rerun.id());
        assertThat(ids(history().successfulBuilds(job, Map.of(x, Set.of(f.versionId("x", "3"))), null, 10)))
                .isEmpty();
        assertThat(ids(history().successfulBuilds(job, Map.of(x, Set.of()), null, 10)))
                .containsExactly(b5.id(), b3.id(), b2.id(), rerun.id(), b1.id());

        BuildCursor three = cursor(b3, job);
        assertThat(ids(history().successfulBuilds(job, Map.of(x, Set.of(x1)), three, 1))).containsExactly(rerun.id());
        assertThat(ids(history().successfulBuildsFrom(job, Map.of(x, Set.of(x1)), three, 10)))
                .containsExactly(b3.id(), rerun.id(), b1.id());
        assertThat(ids(history().successfulBuildsFrom(job, Map.of(y, Set.of(y1)), three, 10)))
                .containsExactly(b2.id(), b1.id());
        assertThat(ids(history().successfulBuildsNewerThan(job, Map.of(y, Set.of(y1)), cursor(b1, job))))
                .containsExactly(b2.id(), b5.id());
    }

    @Test
    void pipesNameTheUpstreamBuildsWithTheirJobsAndReruns() {
        Fixture f = new Fixture(List.of("a", "b", "current"), "x");
        f.check("x", "1");
        Build a1 = f.build("a").input(f, "x", "1").succeed();
        Build b1 = f.build("b").input(f, "x", "1").succeed();
        Build a1r = f.rerun("a", a1.id()).input(f, "x", "1").succeed();

        Build current = f.build("current").input(f, "x", "1").pipedFrom(b1.id(), a1r.id()).succeed();
        Build later = f.build("current").input(f, "x", "1").pipedFrom(b1.id()).pending();

        assertThat(history().pipesTo(current.id())).containsExactly(
                new BuildCursor(b1.id(), f.job("b"), 0), new BuildCursor(a1r.id(), f.job("a"), a1.id()));
        assertThat(history().pipesFrom(b1.id())).containsExactly(
                new BuildCursor(current.id(), f.job("current"), 0), new BuildCursor(later.id(), f.job("current"), 0));
        assertThat(history().pipesFrom(a1r.id())).containsExactly(cursor(current, f.job("current")));
        assertThat(history().pipesTo(a1.id())).isEmpty();
        assertThat(history().pipesTo(987_654_321L)).isEmpty();
    }

    @Test
    void aLargeHistoryIsPagedCompletelyInOrder() {
        Fixture f = new Fixture(List.of("upstream", "current"), "x", "y");
        int count = 2_000;
        f.check("x", IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toArray(String[]::new));
        f.check("y", "only");
        long x = f.resource("x");
        long upstream = f.job("upstream");
        List<ResourceVersion> all = versions().versions(f.scope("x"), Long.MAX_VALUE, count);
        List<Long> newestFirst = new ArrayList<>();
        storage().inTransaction(() -> {
            for (int i = 0; i < 500; i++) {
                ResourceVersion version = all.get(all.size() - 1 - (i * 3));
                Build build = builds().createJobBuild(upstream, false, 0, T0);
                builds().saveInputs(build.id(), List.of(
                        new BuildInput("x", x, version.id(), true)), List.of());
                builds().finish(build.id(), i % 10 == 9 ? BuildStatus.FAILED : BuildStatus.SUCCEEDED, T0);
                if (i % 10 != 9) {
                    newestFirst.addFirst(build.id());
                }
            }
            return null;
        });

        List<Long> paged = new ArrayList<>();
        BuildCursor last = null;
        List<BuildCursor> page;
        do {
            page = history().successfulBuilds(upstream, Map.of(), last, 50);
            page.forEach(c -> paged.add(c.id()));
            last = page.isEmpty() ? last : page.getLast();
        } while (!page.isEmpty());

        assertThat(paged).containsExactlyElementsOf(newestFirst);
        long v1 = all.getLast().id();
        assertThat(ids(history().successfulBuilds(upstream, Map.of(x, Set.of(v1)), null, 10)))
                .containsExactly(newestFirst.getLast());
        assertThat(history().latestUse(upstream, x).orElseThrow().version().version()).isEqualTo(v("1498"));
        assertThat(history().latestVersion(x).orElseThrow().version()).isEqualTo(v(Integer.toString(count)));
        assertThat(history().latestUse(f.job("current"), x)).isEmpty();
    }
}
