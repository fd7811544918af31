package dev.concourse.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The table {@code run.sh} prints after JMH's own: every result, then each target of issue 8 with
 * the figure that decides it (ratios to baselines, added milliseconds, growth exponents), in
 * Markdown so it can go into the README as it is.
 */
final class Report {
    private final List<Row> rows = new ArrayList<>();

    /** One result: benchmark (without the package), parameters, score, error, unit. */
    record Row(String benchmark, String params, double score, double error, String unit, double cpuMs) {
        String scoreText() {
            return Double.isNaN(error) ? format(score) : format(score) + " ± " + format(error);
        }
    }

    Report(Collection<RunResult> results) {
        for (RunResult result : results) {
            var params = result.getParams();
            StringBuilder p = new StringBuilder();
            for (String key : params.getParamsKeys()) {
                p.append(p.isEmpty() ? "" : ", ").append(key).append('=').append(params.getParam(key));
            }
            Result<?> primary = result.getPrimaryResult();
            Result<?> cpu = result.getSecondaryResults().get("cpuNanos");
            Result<?> operations = result.getSecondaryResults().get("operations");
            double cpuMs = cpu == null || operations == null || operations.getScore() == 0 ? Double.NaN
                    : cpu.getScore() / operations.getScore() / 1e6;
            rows.add(new Row(params.getBenchmark().replace("dev.concourse.benchmarks.", ""), p.toString(),
                    primary.getScore(), primary.getScoreError(), primary.getScoreUnit(), cpuMs));
        }
    }

    void print(PrintStream out, String mode) {
        out.println();
        out.println(environment(mode));
        out.println();
        out.println("| Benchmark | Parameters | Score | Unit | CPU ms/op |");
        out.println("|---|---|---:|---|---:|");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", row.benchmark(), row.params(), row.scoreText(),
                    row.unit(), Double.isNaN(row.cpuMs()) ? "" : format(row.cpuMs()));
        }
        out.println();
        out.println("| Target | Figure | Verdict |");
        out.println("|---|---|---|");
        for (String line : targets()) {
            out.println(line);
        }
    }

    private List<String> targets() {
        List<String> lines = new ArrayList<>();
        find("FixtureResolutionBenchmark.resolve", "scenario=HUSH_HOUSE_RC_IMAGE").ifPresent(r ->
                lines.add(target("hush-house rc-image resolves in < 100 ms", format(r.score()) + " ms (CPU "
                        + format(r.cpuMs()) + " ms)", r.score() < 100)));
        find("SchedulingPassBenchmark.pass", "shape=1000x100").ifPresent(r ->
                lines.add(target("scheduling pass over 1,000 jobs < 1 s", format(r.score()) + " ms (CPU "
                        + format(r.cpuMs()) + " ms)", r.score() < 1000)));
        growth(lines, "SyntheticResolutionBenchmark.resolve", "one resolution");
        growth(lines, "SchedulingPassBenchmark.pass", "scheduling pass");
        jobGrowth(lines);
        for (String subscribers : List.of("1", "100", "1000")) {
            Optional<Row> engine = find("LogFanOutBenchmark.engine", "subscribers=" + subscribers);
            Optional<Row> baseline = find("LogFanOutBenchmark.baseline", "subscribers=" + subscribers);
            if (engine.isEmpty() || baseline.isEmpty()) {
                continue;
            }
            double ratio = engine.get().score() / baseline.get().score();
            String figure = String.format(Locale.ROOT, "%s deliveries/s (%s events/s), %.1f%% of the baseline's %s",
                    format(engine.get().score()), format(engine.get().score() / Integer.parseInt(subscribers)),
                    100 * ratio, format(baseline.get().score()));
            if (subscribers.equals("1000")) {
                lines.add(target("fan-out to 1,000: >= 1M deliveries/s and >= 50% of the baseline", figure,
                        engine.get().score() >= 1e6 && ratio >= 0.5));
            } else {
                lines.add("| fan-out to " + subscribers + " (no target) | " + figure + " | - |");
            }
        }
        Optional<Row> step = find("StepOverheadBenchmark.engineTask", "");
        Optional<Row> spawn = find("StepOverheadBenchmark.processBuilder", "");
        if (step.isPresent() && spawn.isPresent()) {
            double added = step.get().score() - spawn.get().score();
            lines.add(target("step overhead < 20 ms over ProcessBuilder", String.format(Locale.ROOT,
                    "%s ms (engine %s ms, spawn %s ms); CPU time per op: engine %s ms, spawn %s ms", format(added),
                    format(step.get().score()), format(spawn.get().score()), format(step.get().cpuMs()),
                    format(spawn.get().cpuMs())), added < 20));
        }
        Optional<Row> runcEngine = find("RuncStartBenchmark.engineProcess", "");
        Optional<Row> runcRaw = find("RuncStartBenchmark.raw", "");
        if (runcEngine.isPresent() && runcRaw.isPresent()) {
            double over = runcEngine.get().score() / runcRaw.get().score() - 1;
            String container = find("RuncStartBenchmark.engineContainer", "").map(r -> "; engine container, create"
                    + " + run + destroy: " + format(r.score()) + " ms").orElse("");
            lines.add(target("runc: engine at most 10 % over raw `runc run`", String.format(Locale.ROOT,
                    "engine process %s ms vs raw %s ms: %+.0f %%; CPU per op (JVM and children): engine %s ms,"
                            + " raw %s ms%s", format(runcEngine.get().score()), format(runcRaw.get().score()),
                    100 * over, format(runcEngine.get().cpuMs()), format(runcRaw.get().cpuMs()), container),
                    over <= 0.10));
        }
        rows.stream().filter(r -> r.benchmark().contains("VersionToBuildBenchmark.")).findFirst().ifPresent(r ->
                lines.add(target("new version to downstream build started < 50 ms (mean)",
                        format(r.score()) + " ms", r.score() < 50)));
        find("PipelineLoadBenchmark.loadAndValidate", "chain=10, jobs=1000").ifPresent(r ->
                lines.add("| parse and validate 1,000 jobs (no target) | " + format(r.score()) + " ms | - |"));
        Optional<Row> copy = find("EventIngestBenchmark.copy", "");
        copy.ifPresent(c -> {
            find("EventIngestBenchmark.store", "").ifPresent(store -> lines.add(ingest(
                    "ingest into PostgreSQL, unfenced: >= 50,000 events/s and >= 50% of COPY", store, c)));
            // The engine's path: every build it runs under a lease appends through the fence.
            find("EventIngestBenchmark.fencedStore", "").ifPresent(fenced -> lines.add(ingest(
                    "ingest into PostgreSQL, fenced (the engine's path): >= 50,000 events/s and >= 50% of COPY",
                    fenced, c)));
        });
        return lines;
    }

    private static String ingest(String target, Row store, Row copy) {
        double ratio = store.score() / copy.score();
        return target(target, String.format(Locale.ROOT, "%s events/s, %.0f%% of COPY's %s", format(store.score()),
                100 * ratio, format(copy.score())), store.score() >= 50_000 && ratio >= 0.5);
    }

    /** Cost growth from 1,000 to 100,000 versions (10 jobs) as an exponent: 1 is linear. */
    private void growth(List<String> lines, String benchmark, String what) {
        Optional<Row> small = find(benchmark, "shape=10x1000");
        Optional<Row> large = find(benchmark, "shape=10x100000");
        if (small.isEmpty() || large.isEmpty()) {
            return;
        }
        double exponent = Math.log(large.get().score() / small.get().score()) / Math.log(100);
        lines.add(target("cost of " + what + " grows no worse than linearly in versions", String.format(Locale.ROOT,
                "x%s from 1,000 to 100,000 versions: exponent %.2f", format(large.get().score()
                        / small.get().score()), exponent), exponent <= 1.1));
    }

    private void jobGrowth(List<String> lines) {
        Optional<Row> small = find("SchedulingPassBenchmark.pass", "shape=10x100");
        Optional<Row> large = find("SchedulingPassBenchmark.pass", "shape=1000x100");
        if (small.isEmpty() || large.isEmpty()) {
            return;
        }
        double exponent = Math.log(large.get().score() / small.get().score()) / Math.log(100);
        lines.add(String.format(Locale.ROOT, "| scheduling pass growth in jobs (no target) | x%s from 10 to 1,000"
                + " jobs: exponent %.2f | - |", format(large.get().score() / small.get().score()), exponent));
    }

    private Optional<Row> find(String benchmark, String params) {
        return rows.stream().filter(r -> r.benchmark().endsWith(benchmark) && r.params().equals(params)).findFirst();
    }

    private static String target(String target, String figure, boolean met) {
        return "| " + target + " | " + figure + " | " + (met ? "met" : "**missed**") + " |";
    }

    static String format(double value) {
        double abs = Math.abs(value);
        if (abs >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", value / 1e6);
        }
        if (abs >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", value / 1e3);
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String environment(String mode) {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the CPU stays unknown
        }
        String load = "";
        try {
            load = ", load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%s mode, %s, %s, %d cores%s; %s %s (%s); %s",
                mode, Instant.now().truncatedTo(ChronoUnit.MINUTES), cpu, Runtime.getRuntime().availableProcessors(),
                load, System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"), System.getProperty("os.name") + " "
                        + System.getProperty("os.version"));
    }
}
