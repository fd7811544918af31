package dev.concourse.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What {@code benchmarks/run.sh} runs: every benchmark of this module (or those whose names match
 * the arguments) through JMH, in quick mode unless {@code --full}, then one table of the results
 * and the targets. With {@code -Dbench.results=FILE} JMH's JSON results go to that file too.
 */
public final class RunAll {

    private RunAll() {
    }

    public static void main(String[] args) throws RunnerException {
        boolean full = false;
        List<String> includes = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--full")) {
                full = true;
            } else if (arg.equals("--quick")) {
                full = false;
            } else if (arg.startsWith("-")) {
                System.err.println("usage: run.sh [--quick|--full] [benchmark name regex...]");
                System.exit(2);
            } else {
                includes.add(arg);
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder().shouldFailOnError(true);
        if (includes.isEmpty()) {
            options.include("dev\\.concourse\\.benchmarks\\..*Benchmark");
        }
        includes.forEach(options::include);
        String resultFile = System.getProperty("bench.results");
        List<RunResult> results = new ArrayList<>();
        if (full) {
            results.addAll(new Runner(options.build()).run());
        } else {
            options.forks(1)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                    .exclude(OWN_WARM_UP);
            results.addAll(runUnlessEmpty(options));
            if (selects(includes, OWN_WARM_UP_EXAMPLE)) {
                // Its own annotations' warm-up even in quick mode: with a second of warm-up the
                // runtime's per-process Java code still runs interpreted, which is JIT warm-up, not
                // what a process costs a running engine. Its raw baseline gets the same.
                results.addAll(runUnlessEmpty(new OptionsBuilder().shouldFailOnError(true).include(OWN_WARM_UP)));
            }
        }
        if (resultFile != null) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, resultFile).writeOut(results);
        }
        new Report(results).print(System.out, full ? "full" : "quick");
    }

    /** Benchmarks that run with their own annotations' warm-up and measurement in quick mode too. */
    private static final String OWN_WARM_UP = "dev\\.concourse\\.benchmarks\\.runtime\\.RuncStartBenchmark";
    private static final String OWN_WARM_UP_EXAMPLE = "dev.concourse.benchmarks.runtime.RuncStartBenchmark.raw";

    private static boolean selects(List<String> includes, String benchmark) {
        return includes.isEmpty() || includes.stream().anyMatch(regex -> Pattern.compile(regex).matcher(benchmark).find());
    }

    private static Collection<RunResult> runUnlessEmpty(ChainedOptionsBuilder options) throws RunnerException {
        try {
            return new Runner(options.build()).run();
        } catch (NoBenchmarksException e) {
            return List.of();
        }
    }
}
