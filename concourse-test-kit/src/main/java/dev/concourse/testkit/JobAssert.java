package dev.concourse.testkit;

import java.util.List;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on a {@link JobUnderTest}: its builds and why its next build waits. */
public final class JobAssert extends AbstractAssert<JobAssert, JobUnderTest> {

    JobAssert(JobUnderTest actual) {
        super(actual, JobAssert.class);
    }

    /** It has exactly {@code count} builds. */
    public JobAssert hasBuildCount(int count) {
        isNotNull();
        int builds = actual.buildCount();
        if (builds != count) {
            failWithMessage("%s", "expected job '" + actual.ref().name() + "' to have " + count + " builds, but it has "
                    + builds + "; why it waits: " + reasons());
        }
        return this;
    }

    /** It has no build. */
    public JobAssert hasNoBuild() {
        return hasBuildCount(0);
    }

    /**
     * One of the reasons why its next build is pending (or why it has none) contains {@code fragment},
     * such as {@code "no satisfiable builds from passed jobs"}, {@code "is paused"} or
     * {@code "max in flight (1) reached"}.
     */
    public JobAssert isPendingBecause(String fragment) {
        isNotNull();
        List<String> reasons = actual.whyPending();
        if (reasons.stream().noneMatch(r -> r.contains(fragment))) {
            failWithMessage("%s", "expected job '" + actual.ref().name() + "' to wait because of \"" + fragment
                    + "\", but " + (reasons.isEmpty() ? "nothing holds it back" : "it waits because: " + reasons));
        }
        return this;
    }

    /** Nothing holds its next build back. */
    public JobAssert isNotHeldBack() {
        isNotNull();
        List<String> reasons = actual.whyPending();
        if (!reasons.isEmpty()) {
            failWithMessage("%s", "expected nothing to hold job '" + actual.ref().name() + "' back, but: " + reasons);
        }
        return this;
    }

    private String reasons() {
        List<String> reasons = actual.whyPending();
        return reasons.isEmpty() ? "nothing" : String.join("; ", reasons);
    }
}
