package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Team;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.ResolvedInput;
import dev.concourse.spi.storage.ResourceVersionId;
import dev.concourse.spi.storage.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What job builds used and produced, their successful outputs, and each job's next inputs. */
abstract class BuildIoStorageContract extends StorageContract {

    BuildIoStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    @Test
    void saveInputsRecordsInputsAndPipesAndReplacesThemWhenSavedAgain() {
        Fixture f = new Fixture(List.of("upstream", "current"), "x", "y");
        f.check("x", "1", "2");
        f.check("y", "1");
        Build up1 = f.build("upstream").input(f, "x", "1").succeed();
        Build up2 = f.build("upstream").input(f, "x", "2").succeed();
        Build build = builds().createJobBuild(f.job("current"), false, 0, T0);
        List<BuildInput> first = List.of(new BuildInput("x", f.resource("x"), f.versionId("x", "1"), true),
                new BuildInput("y", f.resource("y"), f.versionId("y", "1"), false));

        builds().saveInputs(build.id(), first, List.of(up1.id()));

        assertThat(builds().inputs(build.id())).containsExactlyElementsOf(first);
        assertThat(history().pipesTo(build.id())).containsExactly(cursor(up1, f.job("upstream")));
        assertThat(history().pipesFrom(up1.id())).containsExactly(cursor(build, f.job("current")));

        List<BuildInput> second = List.of(new BuildInput("x", f.resource("x"), f.versionId("x", "2"), false));
        builds().saveInputs(build.id(), second, Set.of(up2.id()));

        assertThat(builds().inputs(build.id())).containsExactlyElementsOf(second);
        assertThat(history().pipesTo(build.id())).containsExactly(cursor(up2, f.job("upstream")));
        assertThat(history().pipesFrom(up1.id())).isEmpty();
        assertThat(history().pipesFrom(up2.id())).containsExactly(cursor(build, f.job("current")));
        assertThat(history().isFirstOccurrence(f.job("current"), "x", f.resource("x"), f.versionId("x", "1")))
                .isTrue();
        assertThat(history().isFirstOccurrence(f.job("current"), "x", f.resource("x"), f.versionId("x", "2")))
                .isFalse();
    }

    @Test
    void saveOutputsAddsOutputsOnce() {
        Fixture f = new Fixture(List.of("build"), "x", "y");
        f.check("x", "1", "2");
        f.check("y", "1");
        Build build = builds().createJobBuild(f.job("build"), false, 0, T0);
        BuildOutput x1 = new BuildOutput("x", f.resource("x"), f.versionId("x", "1"));
        BuildOutput y1 = new BuildOutput("push-y", f.resource("y"), f.versionId("y", "1"));
        BuildOutput x2 = new BuildOutput("x", f.resource("x"), f.versionId("x", "2"));

        builds().saveOutputs(build.id(), List.of(x1, y1));
        builds().saveOutputs(build.id(), List.of(y1, x2));

        assertThat(builds().outputs(build.id())).containsExactly(x1, y1, x2);
        assertThat(builds().inputs(build.id())).isEmpty();
        assertThat(builds().outputs(987_654_321L)).isEmpty();
        assertThat(builds().inputs(987_654_321L)).isEmpty();
    }

    @Test
    void inputsAndOutputsAreRejectedForOneOffAndFinishedBuildsAndForeignOrUnknownVersions() {
        Fixture f = new Fixture(List.of("build"), "x");
        f.check("x", "1");
        pipelines().save(ref("other"), pipelineConfig(List.of("build"), resource("z")), -1, false, T0);
        long foreign = resourceOf(ref("other"), "z").id();
        long otherJob = pipelines().job(ref("other").job("build")).orElseThrow().id();
        Build otherBuild = builds().createJobBuild(otherJob, false, 0, T0);
        Build oneOff = builds().createOneOffBuild(Team.MAIN, T0);
        Build finished = f.build("build").finish(BuildStatus.FAILED);
        Build build = builds().createJobBuild(f.job("build"), false, 0, T0);
        long x = f.resource("x");
        long one = f.versionId("x", "1");
        BuildInput input = new BuildInput("x", x, one, true);

        assertThatThrownBy(() -> builds().saveInputs(oneOff.id(), List.of(input), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(finished.id(), List.of(input), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(987_654_321L, List.of(input), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(build.id(), List.of(new BuildInput("z", foreign, one, true)),
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(build.id(), List.of(new BuildInput("x", x, 987_654_321L, true)),
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(build.id(), List.of(input, new BuildInput("x", x, one, false)),
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(build.id(), List.of(input), List.of(oneOff.id())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveInputs(build.id(), List.of(input), List.of(otherBuild.id())))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveOutputs(finished.id(), List.of(new BuildOutput("x", x, one))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveOutputs(oneOff.id(), List.of(new BuildOutput("x", x, one))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builds().saveOutputs(build.id(), List.of(new BuildOutput("z", foreign, one))))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(builds().inputs(build.id())).isEmpty();
        assertThat(builds().outputs(build.id())).isEmpty();
        assertThat(history().isFirstOccurrence(f.job("build"), "x", x, one)).isTrue();
    }

    @Test
    void aSucceededBuildsOutputsAreItsOutputsAndInputsByResource() {
        Fixture f = new Fixture(List.of("build"), "x", "y", "z");
        f.check("x", "1", "2");
        f.check("y", "1", "2");
        f.check("z", "1");
        Build build = f.build("build")
                .input(f, "z", "1")
                .input(f, "x", "1")
                .input(f, "y-again", "y", "2")
                .output(f, "y", "1")
                .output(f, "x", "2")
                .output(f, "y", "2")
                .pending();
        assertThat(history().successfulOutputs(build.id())).isEmpty();
        builds().start(build.id(), "{}", T0);

        builds().finish(build.id(), BuildStatus.SUCCEEDED, T0);

        long x = f.resource("x");
        long y = f.resource("y");
        long z = f.resource("z");
        List<ResourceVersionId> expected = new ArrayList<>(List.of(
                new ResourceVersionId(x, f.versionId("x", "2")),
                new ResourceVersionId(x, f.versionId("x", "1")),
                new ResourceVersionId(y, f.versionId("y", "1")),
                new ResourceVersionId(y, f.versionId("y", "2")),
                new ResourceVersionId(z, f.versionId("z", "1"))));
        expected.sort(Comparator.comparingLong(ResourceVersionId::resourceId));
        assertThat(history().successfulOutputs(build.id())).containsExactlyElementsOf(expected);
        assertThatThrownBy(() -> builds().saveInputs(build.id(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(history().successfulOutputs(build.id())).containsExactlyElementsOf(expected);
    }

    @Test
    void buildsThatDoNotSucceedHaveNoSuccessfulOutputs() {
        Fixture f = new Fixture(List.of("build"), "x");
        f.check("x", "1");

        for (BuildStatus status : List.of(BuildStatus.FAILED, BuildStatus.ERRORED, BuildStatus.ABORTED)) {
            Build build = f.build("build").input(f, "x", "1").output(f, "x", "1").finish(status);
            assertThat(history().successfulOutputs(build.id())).as("%s build", status).isEmpty();
        }
        Build pending = f.build("build").input(f, "x", "1").pending();
        assertThat(history().successfulOutputs(pending.id())).isEmpty();
        assertThat(history().successfulBuilds(f.job("build"), Map.of(), null, 10)).isEmpty();
        assertThat(history().successfulOutputs(987_654_321L)).isEmpty();
    }

    @Test
    void nextInputsAreReplacedAsAWhole() {
        Fixture f = new Fixture(List.of("upstream", "current"), "x", "y");
        f.check("x", "1");
        f.check("y", "1");
        long current = f.job("current");
        Build up3 = f.build("upstream").input(f, "x", "1").succeed();
        Build up5 = f.build("upstream").input(f, "x", "1").succeed();
        assertThat(builds().nextInputs(current)).isEqualTo(NextBuildInputs.NONE);
        NextBuildInputs next = new NextBuildInputs(true, List.of(
                ResolvedInput.resolved("x", f.resource("x"), f.versionId("x", "1"), true, List.of(up5.id(), up3.id())),
                ResolvedInput.resolved("y", f.resource("y"), f.versionId("y", "1"), false, List.of(up3.id()))));

        builds().saveNextInputs(current, next);

        assertThat(builds().nextInputs(current)).isEqualTo(next);
        assertThat(builds().nextInputs(current).pipedFrom()).containsExactly(up3.id(), up5.id());
        assertThat(builds().nextInputs(f.job("upstream"))).isEqualTo(NextBuildInputs.NONE);

        NextBuildInputs failed = new NextBuildInputs(false, List.of(
                ResolvedInput.resolved("x", f.resource("x"), f.versionId("x", "1"), false, List.of()),
                ResolvedInput.failed("y", "latest version of resource not found")));
        builds().saveNextInputs(current, failed);

        NextBuildInputs read = builds().nextInputs(current);
        assertThat(read).isEqualTo(failed);
        assertThat(read.determined()).isFalse();
        assertThat(read.inputs().get(1).isResolved()).isFalse();
        assertThat(read.inputs().get(1).resolveError()).isEqualTo("latest version of resource not found");
        assertThat(read.buildInputs()).containsExactly(
                new BuildInput("x", f.resource("x"), f.versionId("x", "1"), false));
        assertThatThrownBy(() -> builds().saveNextInputs(987_654_321L, next))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deletingAPipelineDropsItsBuildsInputsOutputsPipesAndNextInputs() {
        Fixture f = new Fixture(List.of("upstream", "current"), "x");
        f.check("x", "1");
        Build up = f.build("upstream").input(f, "x", "1").output(f, "x", "1").succeed();
        Build down = f.build("current").input(f, "x", "1").pipedFrom(up.id()).pending();
        builds().saveNextInputs(f.job("current"), new NextBuildInputs(true, List.of(
                ResolvedInput.resolved("x", f.resource("x"), f.versionId("x", "1"), false, List.of(up.id())))));
        long upstreamJob = f.job("upstream");
        long currentJob = f.job("current");
        long x = f.resource("x");
        long one = f.versionId("x", "1");

        pipelines().delete(ref("p"));

        assertThat(builds().inputs(up.id())).isEmpty();
        assertThat(builds().outputs(up.id())).isEmpty();
        assertThat(builds().inputs(down.id())).isEmpty();
        assertThat(history().pipesTo(down.id())).isEmpty();
        assertThat(history().pipesFrom(up.id())).isEmpty();
        assertThat(history().successfulOutputs(up.id())).isEmpty();
        assertThat(history().successfulBuilds(upstreamJob, Map.of(), null, 10)).isEmpty();
        assertThat(history().isFirstOccurrence(currentJob, "x", x, one)).isTrue();
        assertThat(history().latestUse(currentJob, x)).isEmpty();
        assertThat(builds().nextInputs(currentJob)).isEqualTo(NextBuildInputs.NONE);
    }

    @Test
    void aFailedTransactionLeavesNoInputsOutputsOrSuccessfulOutputs() {
        Fixture f = new Fixture(List.of("upstream", "current"), "x");
        f.check("x", "1");
        Build up = f.build("upstream").input(f, "x", "1").succeed();
        Build build = builds().createJobBuild(f.job("current"), false, 0, T0);
        RuntimeException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> storage().inTransaction(() -> {
            builds().saveInputs(build.id(), List.of(new BuildInput("x", f.resource("x"), f.versionId("x", "1"), true)),
                    List.of(up.id()));
            builds().saveOutputs(build.id(), List.of(new BuildOutput("x", f.resource("x"), f.versionId("x", "1"))));
            builds().finish(build.id(), BuildStatus.SUCCEEDED, T0);
            builds().saveNextInputs(f.job("current"), new NextBuildInputs(true, List.of()));
            throw boom;
        })).isSameAs(boom);

        assertThat(builds().inputs(build.id())).isEmpty();
        assertThat(builds().outputs(build.id())).isEmpty();
        assertThat(history().pipesFrom(up.id())).isEmpty();
        assertThat(history().successfulOutputs(build.id())).isEmpty();
        assertThat(history().successfulBuilds(f.job("current"), Map.of(), null, 10)).isEmpty();
        assertThat(history().isFirstOccurrence(f.job("current"), "x", f.resource("x"), f.versionId("x", "1")))
                .isTrue();
        assertThat(builds().nextInputs(f.job("current"))).isEqualTo(NextBuildInputs.NONE);
    }
}
