package dev.concourse.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
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
        if (resultFile != null) {
            options.result(resultFile).resultFormat(ResultFormatType.JSON);
        }
        if (!full) {
            options.forks(1)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        new Report(results).print(System.out, full ? "full" : "quick");
    }
}
