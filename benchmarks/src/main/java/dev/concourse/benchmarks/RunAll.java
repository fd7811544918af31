package dev.concourse.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What {@code benchmarks/run.sh} runs: every benchmark of this module (or those whose names match
 * the arguments) through JMH, in quick mode unless {@code --full}, then one table of the results.
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
        if (!full) {
            options.forks(1)
                    .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        printTable(results, System.out, full ? "full" : "quick");
    }

    static void printTable(Collection<RunResult> results, PrintStream out, String mode) {
        out.println();
        out.printf(Locale.ROOT, "Results (%s mode)%n", mode);
        out.printf(Locale.ROOT, "| %-55s | %-28s | %14s | %-10s |%n", "Benchmark", "Parameters", "Score", "Unit");
        out.printf(Locale.ROOT, "|%s|%s|%s|%s|%n", "-".repeat(57), "-".repeat(30), "-".repeat(16), "-".repeat(12));
        for (RunResult result : results) {
            var params = result.getParams();
            StringBuilder p = new StringBuilder();
            for (String key : params.getParamsKeys()) {
                p.append(p.isEmpty() ? "" : ", ").append(key).append('=').append(params.getParam(key));
            }
            var primary = result.getPrimaryResult();
            String name = params.getBenchmark().replace("dev.concourse.benchmarks.", "");
            out.printf(Locale.ROOT, "| %-55s | %-28s | %14s | %-10s |%n", name, p,
                    String.format(Locale.ROOT, "%.3f ± %.3f", primary.getScore(), primary.getScoreError()),
                    primary.getScoreUnit());
        }
    }
}
