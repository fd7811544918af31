package dev.concourse.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.AcrossVar.MaxInFlight;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pipeline under {@code pipelines/valid} loads without errors and with exactly the warnings
 * its header announces ({@code # warnings: N}, none when absent); a handful of files also have their
 * model checked field by field, so that "valid" also means "read as meant".
 */
class ValidPipelineCorpusTest {
    private static final Pattern WARNINGS = Pattern.compile("^#\\s*warnings:\\s*(\\d+)\\s*$");

    /** The corpus directory on the test class path. */
    static Path corpusDir(String name) {
        URL url = ValidPipelineCorpusTest.class.getClassLoader().getResource("pipelines/" + name);
        if (url == null) {
            return null;
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every {@code .yml} and {@code .json} file of the valid corpus, sorted by name. */
    static List<Path> corpusFiles() {
        return files(Objects.requireNonNull(corpusDir("valid"), "pipelines/valid is not on the class path"));
    }

    static List<Path> files(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")
                    || p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a corpus file from text, as YAML or JSON by its extension, labelled with its file name. */
    static LoadResult<PipelineConfig> load(Path file) {
        String name = file.getFileName().toString();
        String text = read(file);
        return name.endsWith(".json") ? PipelineLoader.create().loadJson(name, text)
                : PipelineLoader.create().load(name, text);
    }

    /** The warning count a file's header comment announces, 0 when it announces none. */
    static int expectedWarnings(String text) {
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#") && !line.startsWith("%") && !line.isBlank()) {
                break;
            }
            Matcher m = WARNINGS.matcher(line.strip());
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    static Stream<String> corpus() {
        return corpusFiles().stream().map(p -> p.getFileName().toString());
    }

    private static Path file(String name) {
        return corpusDir("valid").resolve(name);
    }

    private static PipelineConfig config(String name) {
        LoadResult<PipelineConfig> result = load(file(name));
        assertThat(result.errors()).as(name).isEmpty();
        return result.orThrow();
    }

    @Test
    void corpusIsLargeAndHasJson() {
        List<Path> files = corpusFiles();
        assertThat(files.stream().filter(p -> p.toString().endsWith(".yml"))).hasSizeGreaterThanOrEqualTo(45);
        assertThat(files.stream().filter(p -> p.toString().endsWith(".json"))).hasSizeGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void loadsWithoutErrorsAndWithTheAnnouncedWarnings(String name) {
        Path path = file(name);
        String text = read(path);
        LoadResult<PipelineConfig> result = load(path);

        assertThat(result.errors()).as("errors of %s", name).isEmpty();
        assertThat(result.config()).as(name).isPresent();
        int expected = expectedWarnings(text);
        assertThat(result.warnings()).as("warnings of %s (header says %d)", name, expected).hasSize(expected);
        assertThat(result.isValid()).isTrue();
        assertThat(result.isValid(true)).as("strict validity of %s", name).isEqualTo(expected == 0);
        for (ConfigFinding f : result.findings()) {
            assertThat(f.location().file()).isEqualTo(name);
            assertThat(f.location().hasPosition()).as("position of %s", f).isTrue();
        }
        assertThat(result.config().orElseThrow().jobs()).as("jobs of %s", name).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void loadsTheSameFromAFile(String name) {
        Path path = file(name);
        LoadResult<PipelineConfig> fromFile = PipelineLoader.create().load(path);
        LoadResult<PipelineConfig> fromText = load(path);

        assertThat(fromFile.source()).isEqualTo(path.toString());
        assertThat(fromFile.config()).isEqualTo(fromText.config());
        assertThat(fromFile.findings()).hasSameSizeAs(fromText.findings());
        fromFile.findings().forEach(f -> assertThat(f.location().file()).isEqualTo(path.toString()));
    }

    // ---- facts of particular files ----

    @Test
    void mergeKeysMergeJobSettingsAndExplicitKeysWin() {
        PipelineConfig config = config("yaml-merge-keys.yml");

        JobConfig unit = config.job("unit").orElseThrow();
        assertThat(unit.isPublic()).isTrue();
        assertThat(unit.serial()).isTrue();
        assertThat(unit.buildLogRetention()).isEqualTo(new BuildLogRetention(50, 0, 0));
        assertThat(unit.onFailure()).isInstanceOf(PutStep.class);
        assertThat(((PutStep) unit.onFailure()).params()).containsEntry("text", "failed");

        JobConfig integration = config.job("integration").orElseThrow();
        assertThat(integration.isPublic()).as("merged from the first mapping").isTrue();
        assertThat(integration.serial()).as("explicit key beats merged").isFalse();
        assertThat(integration.maxInFlight()).as("merged from the second mapping").isEqualTo(2);
        assertThat(integration.tags()).containsExactly("integration-pool");
        assertThat(integration.buildLogRetention()).isEqualTo(new BuildLogRetention(50, 0, 0));
        assertThat(integration.onFailure()).isEqualTo(unit.onFailure());
        TaskConfig merged = ((TaskStep) integration.plan().get(1)).config();
        assertThat(merged.platform()).isEqualTo("linux");
        assertThat(merged.inputs()).extracting(TaskConfig.TaskInputConfig::name).containsExactly("repo");
        assertThat(merged.imageResource().source()).containsEntry("tag", "20");
        assertThat(merged.run().args()).containsExactly("run", "integration");

        JobConfig develop = config.job("develop").orElseThrow();
        assertThat(develop.isPublic()).isFalse();
        assertThat(develop.maxInFlight()).isEqualTo(2);
        assertThat(develop.serial()).isFalse();
        assertThat(develop.onFailure()).isNull();

        ResourceConfig repoDevelop = config.resource("repo-develop").orElseThrow();
        assertThat(repoDevelop.source()).containsEntry("uri", "https://github.com/example/merge.git")
                .containsEntry("branch", "develop").hasSize(2);
        assertThat(config.resource("repo").orElseThrow().source()).containsEntry("branch", "main");
    }

    @Test
    void taskParamsAreCoercedToStrings() {
        PipelineConfig config = config("params-coercion.yml");
        TaskStep task = (TaskStep) config.job("coerce").orElseThrow().plan().get(0);

        assertThat(task.config().params())
                .containsEntry("COUNT", "1")
                .containsEntry("ENABLED", "true")
                .containsEntry("DISABLED", "false")
                .containsEntry("RATIO", "0.5")
                .containsEntry("BIG", "12345678901234567890")
                .containsEntry("HEX", "31")
                .containsEntry("EMPTY", "")
                .containsEntry("TILDE", "")
                .containsEntry("TEXT", "plain text")
                .containsEntry("QUOTED_NUMBER", "007")
                .containsEntry("LIST", "[\"a\",1,true]")
                .containsEntry("MAP", "{\"host\":\"db.internal\",\"port\":5432}");
        assertThat(task.params())
                .containsEntry("COUNT", "2")
                .containsEntry("DEBUG", "yes")
                .containsEntry("TIMEOUT_SECONDS", "30")
                .containsEntry("FEATURES", "{\"search\":true,\"beta\":false}");
    }

    @Test
    void jsonTaskParamsAreCoercedLikeYaml() {
        PipelineConfig config = config("api-task-config.json");
        TaskStep task = (TaskStep) config.jobs().get(0).plan().get(0);
        assertThat(task.config().params())
                .containsEntry("COUNT", "3")
                .containsEntry("RATIO", "1.5")
                .containsEntry("ON", "true")
                .containsEntry("LIST", "[\"x\",2]")
                .containsEntry("NOTHING", "");
        assertThat(task.containerLimits()).isEqualTo(new ContainerLimits(512L, 1L << 30));
        assertThat(task.config().containerLimits()).isEqualTo(new ContainerLimits(null, 268_435_456L));
        assertThat(task.outputMapping()).containsEntry("bin", "binaries");
    }

    @Test
    void memoryLimitsAcceptEveryUnit() {
        PipelineConfig config = config("container-limits-units.yml");
        Map<String, Long> memory = new java.util.LinkedHashMap<>();
        for (Step step : config.job("limits").orElseThrow().plan()) {
            TaskStep task = (TaskStep) step;
            ContainerLimits limits = task.containerLimits() != null ? task.containerLimits()
                    : task.config().containerLimits();
            memory.put(task.name(), limits.memory());
        }
        assertThat(memory).containsExactly(
                Map.entry("bytes", 1_073_741_824L),
                Map.entry("gigabytes", 1L << 30),
                Map.entry("megabytes", 512L << 20),
                Map.entry("kilobytes", 1024L << 10),
                Map.entry("gibibytes", 2L << 30),
                Map.entry("mebibytes", 256L << 20),
                Map.entry("kibibytes", 64L << 10),
                Map.entry("short-units", 3L << 30),
                Map.entry("lower-case", 128L << 20),
                Map.entry("in-config", 100L << 20));
        TaskStep bytes = (TaskStep) config.job("limits").orElseThrow().plan().get(0);
        assertThat(bytes.containerLimits().cpu()).isEqualTo(256L);
    }

    @Test
    void modifiersNestInConcoursePrecedence() {
        List<Step> plan = config("step-precedence.yml").job("layered").orElseThrow().plan();

        // {task, timeout, attempts, on_failure, ensure} -> ensure(on_failure(attempts(task)))
        HookStep ensure = (HookStep) plan.get(1);
        assertThat(ensure.kind()).isEqualTo(HookKind.ENSURE);
        HookStep onFailure = (HookStep) ensure.step();
        assertThat(onFailure.kind()).isEqualTo(HookKind.ON_FAILURE);
        RetryStep retry = (RetryStep) onFailure.step();
        assertThat(retry.attempts()).isEqualTo(3);
        TaskStep task = (TaskStep) retry.step();
        assertThat(task.timeout()).as("a task keeps its own timeout").isEqualTo("20m");

        // {attempts, timeout, across, on_success, do} -> on_success(across(attempts(timeout(do))))
        HookStep onSuccess = (HookStep) plan.get(2);
        assertThat(onSuccess.kind()).isEqualTo(HookKind.ON_SUCCESS);
        AcrossStep across = (AcrossStep) onSuccess.step();
        assertThat(across.vars()).extracting(AcrossVar::var).containsExactly("shard");
        RetryStep retryDo = (RetryStep) across.step();
        TimeoutStep timeout = (TimeoutStep) retryDo.step();
        assertThat(timeout.duration()).isEqualTo("45m");
        assertThat(timeout.step()).isInstanceOf(DoStep.class);

        // {on_abort, on_error, timeout, try} -> on_error(on_abort(timeout(try)))
        HookStep onError = (HookStep) plan.get(3);
        assertThat(onError.kind()).isEqualTo(HookKind.ON_ERROR);
        HookStep onAbort = (HookStep) onError.step();
        assertThat(onAbort.kind()).isEqualTo(HookKind.ON_ABORT);
        assertThat(((TimeoutStep) onAbort.step()).step()).isInstanceOf(TryStep.class);
    }

    @Test
    void yaml11BooleansInBooleanFields() {
        PipelineConfig config = config("yaml11-booleans.yml");
        ResourceConfig repo = config.resource("repo").orElseThrow();
        assertThat(repo.isPublic()).isTrue();
        assertThat(repo.exposeBuildCreatedBy()).isTrue();
        assertThat(config.resourceType("legacy-type").orElseThrow().privileged()).isTrue();

        JobConfig job = config.job("legacy").orElseThrow();
        assertThat(job.isPublic()).isTrue();
        assertThat(job.serial()).isFalse();
        assertThat(job.interruptible()).isFalse();
        assertThat(job.disableManualTrigger()).isFalse();
        assertThat(job.disableReruns()).isTrue();
        assertThat(((GetStep) job.plan().get(0)).trigger()).isTrue();
        assertThat(((GetStep) job.plan().get(1)).trigger()).isFalse();
        TaskStep build = (TaskStep) job.plan().get(2);
        assertThat(build.privileged()).isTrue();
        assertThat(build.config().inputs().get(1).optional()).isTrue();
        assertThat(((LoadVarStep) job.plan().get(3)).reveal()).isFalse();
        assertThat(((PutStep) job.plan().get(4)).noGet()).isTrue();
    }

    @Test
    void quotedNumbersStayStrings() {
        PipelineConfig config = config("quoted-numbers.yml");
        ResourceConfig service = config.resource("2fa-service").orElseThrow();
        assertThat(service.tags()).containsExactly("1804", "2204");
        assertThat(service.source()).containsEntry("port", "22");
        assertThat(service.version()).containsExactly(Map.entry("ref", "1234567890"), Map.entry("build", "42"));
        assertThat(config.resource("release").orElseThrow().source()).containsEntry("key", "001");

        JobConfig job = config.job("123-build").orElseThrow();
        assertThat(job.maxInFlight()).isEqualTo(4);
        assertThat(job.buildLogRetention()).isEqualTo(new BuildLogRetention(10, 0, 7));
        assertThat(((GetStep) job.plan().get(0)).version()).isEqualTo(VersionConfig.pinned(Map.of("ref", "0000001")));
        RetryStep retry = (RetryStep) job.plan().get(2);
        assertThat(retry.attempts()).isEqualTo(3);
        TaskStep task = (TaskStep) retry.step();
        assertThat(task.name()).isEqualTo("01-compile");
        assertThat(task.timeout()).isEqualTo("15m");
        assertThat(task.vars()).containsEntry("build_number", "0042").containsEntry("retries", 3L);
    }

    @Test
    void getStepsChooseVersions() {
        PipelineConfig config = config("get-versions.yml");
        GetStep every = (GetStep) config.job("every-commit").orElseThrow().plan().get(0);
        assertThat(every.version()).isEqualTo(VersionConfig.EVERY);
        assertThat(every.trigger()).isTrue();
        assertThat(every.params()).containsEntry("depth", 1L).containsEntry("submodules", "none");
        assertThat(every.tags()).containsExactly("fast");
        assertThat(every.timeout()).isEqualTo("10m");

        GetStep latest = (GetStep) config.job("latest-only").orElseThrow().plan().get(0);
        assertThat(latest.version()).isEqualTo(VersionConfig.LATEST);
        assertThat(latest.passed()).containsExactly("every-commit");

        List<Step> pinned = config.job("pinned").orElseThrow().plan();
        assertThat(((GetStep) pinned.get(0)).version().pinned())
                .containsExactly(Map.entry("ref", "3f5d3c1a9e0b8f7d6c5b4a3f2e1d0c9b8a7f6e5d"));
        GetStep oldRepo = (GetStep) pinned.get(2);
        assertThat(oldRepo.name()).isEqualTo("old-repo");
        assertThat(oldRepo.resourceName()).isEqualTo("repo");
        assertThat(oldRepo.version().mode()).isEqualTo(VersionConfig.Mode.PINNED);
        assertThat(oldRepo.timeout()).isEqualTo("1h30m");
        GetStep defaultVersion = (GetStep) config.job("latest-only").orElseThrow().plan().get(1);
        assertThat(defaultVersion.version()).isNull();
        assertThat(defaultVersion.params()).containsEntry("globs", List.of("*.tar.gz"))
                .containsEntry("include_source_tarball", false);
    }

    @Test
    void putStepsChooseInputs() {
        List<Step> plan = config("put-inputs.yml").job("publish").orElseThrow().plan();
        PutStep all = (PutStep) plan.get(2);
        assertThat(all.inputs()).isEqualTo(InputsConfig.ALL);
        assertThat(all.getParams()).containsEntry("unpack", true);
        PutStep detect = (PutStep) plan.get(3);
        assertThat(detect.inputs()).isEqualTo(InputsConfig.DETECT);
        assertThat(detect.resourceName()).isEqualTo("artifacts");
        PutStep listed = (PutStep) plan.get(4);
        assertThat(listed.inputs()).isEqualTo(InputsConfig.of(List.of("built", "repo")));
        assertThat(listed.tags()).containsExactly("aws");
        assertThat(listed.timeout()).isEqualTo("15m");
        PutStep noGet = (PutStep) plan.get(5);
        assertThat(noGet.inputs().specified()).containsExactly("repo");
        assertThat(noGet.noGet()).isTrue();
        assertThat(noGet.params()).containsEntry("only_tag", true);
    }

    @Test
    void acrossVarsAndLimits() {
        PipelineConfig config = config("across.yml");
        AcrossStep first = (AcrossStep) config.job("job").orElseThrow().plan().get(2);
        assertThat(first.vars()).extracting(AcrossVar::var).containsExactly("static", "dynamic");
        assertThat(first.vars().get(0).values()).isEqualTo(List.of("static1", "static2"));
        assertThat(first.vars().get(1).values()).isEqualTo("((.:loaded))");
        assertThat(first.vars().get(0).maxInFlight()).isNull();
        assertThat(first.failFast()).isFalse();
        assertThat(((TaskStep) first.step()).name()).isEqualTo("print");

        List<Step> matrix = config.job("matrix").orElseThrow().plan();
        AcrossStep tests = (AcrossStep) matrix.get(1);
        assertThat(tests.failFast()).isTrue();
        assertThat(tests.vars().get(0).maxInFlight()).isEqualTo(MaxInFlight.ALL);
        assertThat(tests.vars().get(1).maxInFlight()).isEqualTo(MaxInFlight.of(2));
        assertThat(((TaskStep) tests.step()).name()).isEqualTo("test-((.:os))-((.:go-version))");
        AcrossStep pipelines = (AcrossStep) matrix.get(2);
        assertThat(pipelines.vars().get(0).maxInFlight()).isEqualTo(MaxInFlight.of(1));
        assertThat(pipelines.vars().get(0).values()).isEqualTo(List.of(
                Map.of("name", "api", "file", "ci/pipelines/api.yml"),
                Map.of("name", "web", "file", "ci/pipelines/web.yml")));
        assertThat(((SetPipelineStep) pipelines.step()).name()).isEqualTo("((.:pipeline.name))");
        assertThat(((AcrossStep) matrix.get(3)).step()).isInstanceOf(DoStep.class);
    }

    @Test
    void inParallelInBothForms() {
        List<Step> plan = config("in-parallel-forms.yml").job("fetch-and-test").orElseThrow().plan();
        InParallelStep list = (InParallelStep) plan.get(0);
        assertThat(list.steps()).hasSize(2);
        assertThat(list.limit()).isZero();
        assertThat(list.failFast()).isFalse();
        InParallelStep limited = (InParallelStep) plan.get(1);
        assertThat(limited.steps()).hasSize(3);
        assertThat(limited.limit()).isEqualTo(2);
        assertThat(limited.failFast()).isTrue();
        InParallelStep mapWithoutOptions = (InParallelStep) plan.get(2);
        assertThat(mapWithoutOptions.steps()).hasSize(2);
        assertThat(mapWithoutOptions.limit()).isZero();
        assertThat((InParallelStep) plan.get(3)).isEqualTo(new InParallelStep(List.of(), 1, false));
    }

    @Test
    void loadVarFormats() {
        List<Step> plan = config("load-var.yml").job("use-var").orElseThrow().plan();
        List<String> formats = new ArrayList<>();
        for (Step s : plan) {
            if (s instanceof LoadVarStep l) {
                formats.add(l.name() + "=" + l.format() + (l.reveal() ? "!" : ""));
            }
        }
        assertThat(formats).containsExactly("local.var=raw", "trimmed=trim", "from-json=json!", "from-yaml=yaml",
                "from-yml=yml", "inferred=null");
    }

    @Test
    void setPipelineFields() {
        List<Step> plan = config("set-pipeline.yml").job("reconfigure").orElseThrow().plan();
        SetPipelineStep self = (SetPipelineStep) plan.get(1);
        assertThat(self.name()).isEqualTo("self");
        assertThat(self.team()).isNull();
        SetPipelineStep release = (SetPipelineStep) plan.get(2);
        assertThat(release.team()).isEqualTo("release-engineering");
        assertThat(release.varFiles()).containsExactly("ci/vars/common.yml", "ci/vars/release.yml");
        assertThat(release.vars()).containsEntry("replicas", 3L)
                .containsEntry("regions", List.of("eu-west-1", "us-east-1"));
        SetPipelineStep instanced = (SetPipelineStep) plan.get(3);
        assertThat(instanced.instanceVars()).containsEntry("branch", "feature/login")
                .containsEntry("env", Map.of("name", "staging"));
    }

    @Test
    void blockScalarsKeepTheirChomping() {
        TaskStep literal = (TaskStep) config("yaml-block-scalars.yml").job("scripts").orElseThrow().plan().get(1);
        assertThat(literal.config().params())
                .containsEntry("MESSAGE", "This folded text becomes one line.\n")
                .containsEntry("STRIPPED", "no trailing newline")
                .containsEntry("KEPT", "trailing newlines kept\n\n");
        assertThat(literal.config().run().args().get(3))
                .startsWith("cd repo\nfor f in scripts/*.sh; do\n  shellcheck \"$f\"\ndone\n");
        TaskStep indented = (TaskStep) config("yaml-block-scalars.yml").job("scripts").orElseThrow().plan().get(2);
        assertThat(indented.config().run().args().get(1)).isEqualTo("  print(\"explicit indentation indicator\")\n");
        assertThat(indented.config().run().args().get(2)).isEqualTo("ignored trailing");
        assertThat((String) config("yaml-block-scalars.yml").resource("repo").orElseThrow().source().get("private_key"))
                .startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n").endsWith("-----END OPENSSH PRIVATE KEY-----\n");
    }

    @Test
    void commentsAndHashesInValues() {
        PipelineConfig config = config("yaml-comments.yml");
        ResourceConfig repo = config.resource("repo").orElseThrow();
        assertThat(repo.source()).containsEntry("uri", "https://github.com/example/comments.git#readme")
                .containsEntry("branch", "main#not-a-comment");
        assertThat(repo.checkEvery()).isEqualTo("5m");
        assertThat(config.job("build").orElseThrow().plan()).hasSize(2);
    }

    @Test
    void flowStyleIsTheSameModel() {
        PipelineConfig config = config("yaml-flow-style.yml");
        JobConfig build = config.job("build").orElseThrow();
        assertThat(build.isPublic()).isTrue();
        assertThat(build.plan()).hasSize(3);
        assertThat(((InParallelStep) build.plan().get(0)).steps()).hasSize(2);
        TaskStep task = (TaskStep) build.plan().get(1);
        assertThat(task.image()).isEqualTo("image");
        assertThat(task.config().run().args()).containsExactly("-c", "make -C repo");
        assertThat(((PutStep) build.plan().get(2)).inputs()).isEqualTo(InputsConfig.of(List.of("repo")));
        assertThat(config.resource("image").orElseThrow().source()).containsEntry("tag", "3.19");
    }

    @Test
    void everyResourceField() {
        ResourceConfig repo = config("resources-all-fields.yml").resource("repo").orElseThrow();
        assertThat(repo).isEqualTo(new ResourceConfig("repo", "source", true, "((webhook-token))", "git",
                Map.of("uri", "https://github.com/example/api.git", "branch", "main",
                        "paths", List.of("src/**", "go.mod"), "ignore_paths", List.of("docs/**")),
                "10m", "5m", List.of("internal", "linux"), Map.of(), "source-branch", true));
        ResourceConfig pinned = config("resources-all-fields.yml").resource("pinned-base-image").orElseThrow();
        assertThat(pinned.checkEvery()).isEqualTo("never");
        assertThat(pinned.version()).containsOnlyKeys("digest");
    }

    @Test
    void everyResourceTypeAndPrototypeField() {
        ResourceTypeConfig slack = config("resource-types-all-fields.yml").resourceType("slack-notification")
                .orElseThrow();
        assertThat(slack.type()).isEqualTo("registry-image");
        assertThat(slack.defaults()).containsEntry("url", "((slack-webhook))");
        assertThat(slack.checkEvery()).isEqualTo("24h");
        assertThat(slack.tags()).containsExactly("external");
        assertThat(slack.params()).containsEntry("format", "oci");
        assertThat(slack.privileged()).isFalse();
        assertThat(config("resource-types-all-fields.yml").resourceType("pull-request").orElseThrow().privileged())
                .isTrue();
        assertThat(config("resource-types-all-fields.yml").resourceType("mirrored-pr").orElseThrow().type())
                .isEqualTo("pull-request");

        PipelineConfig prototypes = config("prototypes-run.yml");
        PrototypeConfig go = prototypes.prototypes().get(1);
        assertThat(go).isEqualTo(new PrototypeConfig("go", "registry-image", Map.of("repository",
                "concourse/go-prototype"), Map.of("go_version", "1.22"), false, "1h", List.of("prototypes"),
                Map.of("format", "rootfs")));
        RunStep build = (RunStep) prototypes.job("go-build").orElseThrow().plan().get(1);
        assertThat(build).isEqualTo(new RunStep("build", "go", Map.of("package", "./...", "race", true), true,
                List.of("linux"), new ContainerLimits(2048L, 4L << 30), "30m"));
    }

    @Test
    void everyJobField() {
        PipelineConfig config = config("job-all-fields.yml");
        JobConfig job = config.job("release").orElseThrow();
        assertThat(job.oldName()).isEqualTo("ship-it");
        assertThat(job.isPublic()).isTrue();
        assertThat(job.serial()).isTrue();
        assertThat(job.serialGroups()).containsExactly("releases", "production");
        assertThat(job.maxInFlight()).isEqualTo(1);
        assertThat(job.effectiveMaxInFlight()).isEqualTo(1);
        assertThat(job.disableManualTrigger()).isTrue();
        assertThat(job.disableReruns()).isTrue();
        assertThat(job.interruptible()).isTrue();
        assertThat(job.tags()).containsExactly("release-workers");
        assertThat(job.buildLogRetention()).isEqualTo(new BuildLogRetention(100, 10, 30));
        assertThat(List.of(job.onSuccess(), job.onFailure(), job.onError(), job.onAbort()))
                .allSatisfy(s -> assertThat(s).isInstanceOf(PutStep.class));
        assertThat(job.ensure()).isInstanceOf(TaskStep.class);
        assertThat(((PutStep) job.onAbort()).params()).containsEntry("message", "release aborted");
        JobConfig nightly = config.job("nightly-check").orElseThrow();
        assertThat(nightly.effectiveMaxInFlight()).isEqualTo(3);
        assertThat(nightly.buildLogRetention()).isEqualTo(new BuildLogRetention(0, 0, 7));
    }

    @Test
    void everyTaskConfigKey() {
        TaskStep task = (TaskStep) config("task-config-all-keys.yml").job("everything").orElseThrow().plan().get(1);
        TaskConfig c = task.config();
        assertThat(c.platform()).isEqualTo("linux");
        assertThat(c.imageResource()).isEqualTo(new TaskConfig.ImageResource("build-image", "registry-image",
                Map.of("repository", "golang", "tag", "1.22-bookworm"),
                Map.of("digest", "sha256:4c5b1c0f2f0c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"),
                Map.of("format", "oci"), List.of("linux")));
        assertThat(c.containerLimits()).isEqualTo(new ContainerLimits(1024L, 2L << 30));
        assertThat(c.params()).containsEntry("CGO_ENABLED", "0").containsEntry("GOFLAGS", "-mod=readonly");
        assertThat(c.run()).isEqualTo(new TaskConfig.TaskRunConfig("make", List.of("test", "VERBOSE=1"), "repo",
                "builder"));
        assertThat(c.inputs()).containsExactly(new TaskConfig.TaskInputConfig("repo", null, false),
                new TaskConfig.TaskInputConfig("go-cache", "/root/.cache/go-build", true));
        assertThat(c.outputs()).containsExactly(new TaskConfig.TaskOutputConfig("coverage", null),
                new TaskConfig.TaskOutputConfig("binaries", "repo/bin"));
        assertThat(c.caches()).containsExactly(new TaskConfig.TaskCacheConfig("repo/.gocache", "168h"),
                new TaskConfig.TaskCacheConfig("repo/vendor", null));
        assertThat(c.rootfsUri()).isNull();
        assertThat(((TaskStep) config("task-rootfs-uri.yml").jobs().get(0).plan().get(0)).config().rootfsUri())
                .isEqualTo("raw:///opt/rootfs/ubuntu-jammy");
    }

    @Test
    void hooksNestInHooks() {
        JobConfig job = config("hooks-nested.yml").job("some-passing-job").orElseThrow();
        HookStep ensure = (HookStep) job.plan().get(1);
        assertThat(ensure.kind()).isEqualTo(HookKind.ENSURE);
        HookStep ensureOfEnsure = (HookStep) ensure.hook();
        HookStep third = (HookStep) ensureOfEnsure.hook();
        assertThat(((TaskStep) third.hook()).name()).isEqualTo("ensure-ensure-ensure");

        HookStep onError = (HookStep) ensure.step();
        assertThat(onError.kind()).isEqualTo(HookKind.ON_ERROR);
        assertThat(((HookStep) onError.hook()).kind()).isEqualTo(HookKind.ON_ABORT);
        HookStep onAbort = (HookStep) onError.step();
        assertThat(onAbort.hook()).isInstanceOf(TryStep.class);
        HookStep onFailure = (HookStep) onAbort.step();
        HookStep onSuccess = (HookStep) onFailure.step();
        assertThat(onSuccess.kind()).isEqualTo(HookKind.ON_SUCCESS);
        HookStep successHookFailure = (HookStep) onSuccess.hook();
        assertThat(successHookFailure.kind()).isEqualTo(HookKind.ON_FAILURE);
        assertThat(((HookStep) successHookFailure.hook()).kind()).isEqualTo(HookKind.ENSURE);
        assertThat(((TaskStep) onSuccess.step()).name()).isEqualTo("pass");

        assertThat(job.ensure()).isInstanceOf(InParallelStep.class);
        Step asStep = job.asStep();
        assertThat(asStep).isInstanceOf(HookStep.class);
        assertThat(((HookStep) asStep).kind()).isEqualTo(HookKind.ENSURE);
    }

    @Test
    void displayAndUserData() {
        PipelineConfig config = config("display-user-data.yml");
        assertThat(config.display()).isEqualTo(new DisplayConfig("https://example.com/images/background.png",
                "opacity(40%) grayscale(100%)"));
        @SuppressWarnings("unchecked")
        Map<String, Object> userData = (Map<String, Object>) config.userData();
        assertThat(userData).containsEntry("owner", "platform-team").containsEntry("retries", 3L)
                .containsEntry("escalation", Map.of("slack", "#platform-oncall", "pager", true));
        assertThat((List<?>) userData.get("runbooks")).hasSize(2);
    }

    @Test
    void groupsAndVarSources() {
        PipelineConfig groups = config("groups-globs.yml");
        assertThat(groups.groups()).extracting(GroupConfig::name).containsExactly("all", "unit", "deploy",
                "single-char");
        assertThat(groups.groups().get(2).jobs()).containsExactly("deploy-{staging,production}", "smoke-test");
        assertThat(groups.groups().get(2).resources()).containsExactly("repo", "nightly");

        PipelineConfig vs = config("var-sources-dummy.yml");
        assertThat(vs.varSources()).extracting(VarSourceConfig::name).containsExactly("vs", "derived");
        assertThat(vs.varSources().get(0).type()).isEqualTo("dummy");
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) vs.varSources().get(0).config().get("vars");
        assertThat(vars).containsEntry("some_numeric_var", 42L)
                .containsEntry("var:with.and_colon", Map.of("some_key", "some-value"));
        assertThat(vs.resource("resource-using-vars").orElseThrow().source())
                .containsEntry("initial_version", "((vs:initial_version_var))");
    }

    @Test
    void doTagsAndUnicode() {
        DoStep outer = (DoStep) config("do-with-tags.yml").job("edge-deploy").orElseThrow().plan().get(1);
        assertThat(outer.tags()).containsExactly("arm64", "edge");
        DoStep inner = (DoStep) outer.steps().get(1);
        assertThat(inner.tags()).isEmpty();
        assertThat(((TaskStep) inner.steps().get(1)).tags()).containsExactly("hsm");

        PipelineConfig unicode = config("unicode-identifiers.yml");
        assertThat(unicode.jobs()).extracting(JobConfig::name).containsExactly("déploiement", "构建");
        assertThat(((TaskStep) unicode.job("构建").orElseThrow().plan().get(1)).params())
                .containsEntry("GREETING", "こんにちは");
    }

    @Test
    void announcedWarningsAreTheExpectedOnes() {
        assertThat(load(file("build-logs-to-retain.yml")).warnings())
                .singleElement().satisfies(w -> assertThat(w.message()).contains("build_logs_to_retain"));
        assertThat(load(file("task-hermetic.yml")).warnings())
                .singleElement().satisfies(w -> assertThat(w.message()).contains("hermetic"));
        assertThat(load(file("task-image-and-config-image.yml")).warnings())
                .hasSize(2).allSatisfy(w -> assertThat(w.message()).contains("image"));
        assertThat(load(file("yaml-top-level-anchors.yml")).warnings())
                .singleElement().satisfies(w -> {
                    assertThat(w.type()).isEqualTo("unknown_field");
                    assertThat(w.message()).contains("shared");
                    assertThat(w.location().line()).isEqualTo(4);
                });
    }

    @Test
    void unresolvedVarsStayAsText() {
        PipelineConfig config = config("unresolved-vars.yml");
        ResourceConfig repo = config.resource("repo").orElseThrow();
        assertThat(repo.webhookToken()).isEqualTo("((webhook_token))");
        assertThat(repo.source()).containsEntry("branch", "((branch))-release")
                .containsEntry("password", "((vault:\"github/creds\".password))");
        GetStep get = (GetStep) config.jobs().get(0).plan().get(0);
        assertThat(get.params()).containsEntry("depth", "((clone-depth))");
    }

    @Test
    void bigNumbersInOpaqueValues() {
        String yaml = """
                jobs:
                - name: j
                  plan:
                  - task: t
                    file: x/t.yml
                    vars: {big: 123456789012345678901234567890, small: -5, hex: 0xff, octal: 0o17, float: 1.5e3}
                """;
        TaskStep task = (TaskStep) PipelineLoader.create().load("big.yml", yaml).orThrow().jobs().get(0).plan().get(0);
        assertThat(task.vars()).containsEntry("big", new BigInteger("123456789012345678901234567890"))
                .containsEntry("small", -5L).containsEntry("hex", 255L).containsEntry("octal", 15L)
                .containsEntry("float", 1500.0);
    }
}
