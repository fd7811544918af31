package dev.concourse.testkit;

import dev.concourse.Build;
import dev.concourse.JobPreparation;
import dev.concourse.JobRef;
import java.util.List;
import java.util.Optional;

/** A job of the pipeline under test: its builds, read when asked. */
public final class JobUnderTest {
    private final PipelineHarness harness;
    private final JobRef ref;

    JobUnderTest(PipelineHarness harness, JobRef ref) {
        this.harness = harness;
        this.ref = ref;
    }

    public JobRef ref() {
        return ref;
    }

    /**
     * Its newest build.
     *
     * @throws AssertionError if it has none, listing the builds of the pipeline
     */
    public BuildTrace lastBuild() {
        return findLastBuild().orElseThrow(() -> new AssertionError("job '" + ref.name() + "' has no build; "
                + harness.summary()));
    }

    /** Its newest build, if any. */
    public Optional<BuildTrace> findLastBuild() {
        List<Build> builds = harness.engine().jobs().builds(ref, 1);
        return builds.isEmpty() ? Optional.empty() : Optional.of(harness.trace(builds.getFirst()));
    }

    /** Its builds, oldest first. */
    public List<BuildTrace> builds() {
        return harness.engine().jobs().builds(ref, Integer.MAX_VALUE).reversed().stream().map(harness::trace).toList();
    }

    /** How many builds it has. */
    public int buildCount() {
        return harness.engine().jobs().builds(ref, Integer.MAX_VALUE).size();
    }

    /**
     * Why its next build is not running, or why it has none ("why is my build pending?"), as the
     * engine's scheduler answers: paused pipeline or job, max in flight, inputs without a version.
     */
    public JobPreparation preparation() {
        return harness.engine().jobs().preparation(ref);
    }

    /** The reasons of {@link #preparation()}, one sentence each; empty when nothing holds it back. */
    public List<String> whyPending() {
        return preparation().reasons();
    }

    /** Triggers it by hand ({@code fly trigger-job}); the build runs when the harness next runs the engine. */
    public Build trigger() {
        return harness.engine().jobs().trigger(ref);
    }

    @Override
    public String toString() {
        return "job " + ref;
    }
}
