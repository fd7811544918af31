package dev.concourse.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/** AssertJ assertions on all builds of a {@link PipelineHarness}. */
public final class HarnessAssert extends AbstractAssert<HarnessAssert, PipelineHarness> {

    HarnessAssert(PipelineHarness actual) {
        super(actual, HarnessAssert.class);
    }

    /**
     * No build's events carry the value of a secret given with {@link PipelineHarness#secret}
     * (each string value, and each string value inside a map secret), in log output, error messages,
     * or any other field.
     */
    public HarnessAssert hasNoSecretInLogs() {
        isNotNull();
        List<String> values = new ArrayList<>();
        actual.secrets().forEach((name, value) -> collect(name, value, values));
        List<String> leaks = new ArrayList<>();
        for (BuildTrace build : actual.builds()) {
            String text = build.events().toString();
            for (String entry : values) {
                String value = entry.substring(entry.indexOf('=') + 1);
                if (!value.isEmpty() && text.contains(value)) {
                    leaks.add(build.describe() + " shows secret ((" + entry.substring(0, entry.indexOf('=')) + "))");
                }
            }
        }
        if (!leaks.isEmpty()) {
            failWithMessage("%s", "secrets leaked into build logs: " + String.join("; ", leaks));
        }
        return this;
    }

    /** Exactly {@code count} builds ran (or are pending) across the pipeline's jobs. */
    public HarnessAssert hasBuildCount(int count) {
        isNotNull();
        int actualCount = actual.builds().size();
        if (actualCount != count) {
            failWithMessage("%s", "expected " + count + " builds, but there are " + actualCount + "; "
                    + actual.summary());
        }
        return this;
    }

    private static void collect(String name, Object value, List<String> into) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collect(name + "." + k, v, into));
        } else if (value != null) {
            into.add(name + "=" + value);
        }
    }
}
