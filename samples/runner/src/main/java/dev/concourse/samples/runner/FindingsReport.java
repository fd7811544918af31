package dev.concourse.samples.runner;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.LoadResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Prints a load result: one line per finding, by position, then one summary line. */
final class FindingsReport {
    private static final Comparator<ConfigFinding> BY_POSITION = Comparator
            .comparing((ConfigFinding f) -> f.location().file())
            .thenComparingInt(f -> f.location().line())
            .thenComparingInt(f -> f.location().column());

    private FindingsReport() {
    }

    static void print(LoadResult<?> result, boolean strict, PrintWriter out) {
        print(result.source(), result.findings(), result.config().isPresent(), strict, out);
    }

    /**
     * Prints findings chosen by the caller (say, a load result's without those the caller knows
     * are harmless) for {@code source}; {@code readable} says whether the text gave a model.
     */
    static void print(String source, List<ConfigFinding> findings, boolean readable, boolean strict,
            PrintWriter out) {
        List<ConfigFinding> sorted = new ArrayList<>(findings);
        sorted.sort(BY_POSITION); // stable: findings at one position keep the loader's order
        sorted.forEach(out::println);
        out.println(summary(source, findings, readable, strict));
    }

    /**
     * {@code FILE: valid}, {@code FILE: valid (2 warnings)}, {@code FILE: 3 errors, 1 warning}, or
     * with {@code --strict} and only warnings {@code FILE: invalid with --strict (2 warnings)}.
     */
    static String summary(LoadResult<?> result, boolean strict) {
        return summary(result.source(), result.findings(), result.config().isPresent(), strict);
    }

    private static String summary(String source, List<ConfigFinding> findings, boolean readable, boolean strict) {
        long errors = findings.stream().filter(ConfigFinding::isError).count();
        long warnings = findings.size() - errors;
        String verdict;
        if (!readable || errors > 0) {
            verdict = count(errors, "error") + (warnings > 0 ? ", " + count(warnings, "warning") : "");
        } else if (warnings == 0) {
            verdict = "valid";
        } else if (strict) {
            verdict = "invalid with --strict (" + count(warnings, "warning") + ")";
        } else {
            verdict = "valid (" + count(warnings, "warning") + ")";
        }
        return source + ": " + verdict;
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
