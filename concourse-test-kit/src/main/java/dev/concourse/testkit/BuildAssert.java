package dev.concourse.testkit;

import dev.concourse.BuildStatus;
import dev.concourse.resource.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link BuildTrace}. Failure messages show the build's step tree and the
 * tail of its log.
 */
public final class BuildAssert extends AbstractAssert<BuildAssert, BuildTrace> {
    private static final int LOG_TAIL = 20;

    BuildAssert(BuildTrace actual) {
        super(actual, BuildAssert.class);
    }

    /** It ended with {@code status}. */
    public BuildAssert hasStatus(BuildStatus status) {
        isNotNull();
        if (actual.status() != status) {
            fail("expected " + actual.describe() + " to have " + status.wireName() + ", but it "
                    + (actual.status().isRunning() ? "is " : "") + actual.status().wireName());
        }
        return this;
    }

    public BuildAssert succeeded() {
        return hasStatus(BuildStatus.SUCCEEDED);
    }

    public BuildAssert failed() {
        return hasStatus(BuildStatus.FAILED);
    }

    public BuildAssert errored() {
        return hasStatus(BuildStatus.ERRORED);
    }

    public BuildAssert aborted() {
        return hasStatus(BuildStatus.ABORTED);
    }

    /** It is still pending (waiting for inputs, max-in-flight, a paused job...). */
    public BuildAssert isPending() {
        return hasStatus(BuildStatus.PENDING);
    }

    /** Its {@code get} step {@code name} fetched a version with (at least) these fields. */
    public BuildAssert usedInput(String name, Map<String, String> version) {
        isNotNull();
        Version used = actual.inputs().get(name);
        if (used == null) {
            fail("expected " + actual.describe() + " to fetch input '" + name + "', but it fetched "
                    + (actual.inputs().isEmpty() ? "no inputs" : actual.inputs().toString()));
        } else if (!used.matches(version)) {
            fail("expected " + actual.describe() + " to use version " + new Version(version) + " of '" + name
                    + "', but it used " + used);
        }
        return this;
    }

    /** Steps of these names ran (in any order). */
    public BuildAssert ranSteps(String... names) {
        isNotNull();
        List<String> ran = stepNames();
        List<String> missing = Arrays.stream(names).filter(n -> !ran.contains(n)).toList();
        if (!missing.isEmpty()) {
            fail("expected " + actual.describe() + " to run " + missing + ", but it ran " + ran);
        }
        return this;
    }

    /**
     * Steps of these names ran in this order (others may run between them): {@code get} and
     * {@code put} steps by their names, tasks by theirs.
     */
    public BuildAssert ranStepsInOrder(String... names) {
        isNotNull();
        List<String> ran = stepNames();
        int at = 0;
        for (String name : names) {
            int found = ran.subList(at, ran.size()).indexOf(name);
            if (found < 0) {
                fail("expected " + actual.describe() + " to run " + Arrays.toString(names) + " in this order, but it ran "
                        + ran + (ran.contains(name) ? " ('" + name + "' came too early)" : " (no '" + name + "')"));
            }
            at += found + 1;
        }
        return this;
    }

    /** No step of these names ran. */
    public BuildAssert didNotRunSteps(String... names) {
        isNotNull();
        List<String> ran = stepNames();
        List<String> present = Arrays.stream(names).filter(ran::contains).toList();
        if (!present.isEmpty()) {
            fail("expected " + actual.describe() + " not to run " + present + ", but it did");
        }
        return this;
    }

    /** The first step of that name ended so: {@code succeeded}, {@code failed}, {@code errored}, {@code aborted}, {@code timed out}. */
    public BuildAssert stepEnded(String name, String outcome) {
        isNotNull();
        StepTrace step = actual.step(name).orElse(null);
        if (step == null) {
            fail("expected step '" + name + "' of " + actual.describe() + " to end " + outcome + ", but it did not run");
        } else if (!step.outcome().equals(outcome)) {
            fail("expected step '" + name + "' of " + actual.describe() + " to end " + outcome + ", but: "
                    + step.describe());
        }
        return this;
    }

    /** A hook of this kind fired ({@code on_success}, {@code on_failure}, {@code on_error}, {@code on_abort}, {@code ensure}). */
    public BuildAssert firedHook(String kind) {
        isNotNull();
        if (!actual.hooksFired().contains(kind)) {
            fail("expected " + actual.describe() + " to fire an " + kind + " hook, but it fired "
                    + (actual.hooksFired().isEmpty() ? "none" : actual.hooksFired()));
        }
        return this;
    }

    /** No hook of this kind fired. */
    public BuildAssert didNotFireHook(String kind) {
        isNotNull();
        if (actual.hooksFired().contains(kind)) {
            fail("expected " + actual.describe() + " not to fire an " + kind + " hook, but it did");
        }
        return this;
    }

    /** Its log (output and error messages of all steps) contains {@code text}. */
    public BuildAssert logContains(String text) {
        isNotNull();
        if (!actual.log().contains(text)) {
            fail("expected the log of " + actual.describe() + " to contain \"" + text + "\", but it does not");
        }
        return this;
    }

    /** Its log does not contain {@code text}. */
    public BuildAssert logDoesNotContain(String text) {
        isNotNull();
        if (actual.log().contains(text)) {
            fail("expected the log of " + actual.describe() + " not to contain \"" + text + "\", but it does");
        }
        return this;
    }

    /** The log of the first step of that name contains {@code text}. */
    public BuildAssert stepLogContains(String step, String text) {
        isNotNull();
        StepTrace trace = actual.step(step).orElse(null);
        if (trace == null) {
            fail("expected step '" + step + "' of " + actual.describe() + " to log \"" + text + "\", but it did not run");
        } else if (!trace.log().contains(text)) {
            fail("expected step '" + step + "' of " + actual.describe() + " to log \"" + text + "\", but it logged:\n"
                    + trace.log());
        }
        return this;
    }

    /**
     * Its {@linkplain BuildTrace#stepTree() step tree} equals the golden file {@code name}
     * ({@code src/test/resources/pipeline-snapshots/<name>.txt} by default); run with
     * {@code -Dconcourse.snapshots.update=true} to write or update it.
     */
    public BuildAssert matchesSnapshot(String name) {
        isNotNull();
        String problem = actual.snapshots().compare(name, actual.stepTree());
        if (problem != null) {
            failWithMessage("%s", problem);
        }
        return this;
    }

    private List<String> stepNames() {
        List<String> names = new ArrayList<>();
        actual.steps().forEach(s -> names.add(s.name()));
        return names;
    }

    private void fail(String message) {
        String tail = actual.logTail(LOG_TAIL);
        failWithMessage("%s", message + "\n" + actual.stepTree() + (tail.isEmpty() ? "" : "log tail:\n" + tail));
    }
}
