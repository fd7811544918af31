package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.credentials.StaticCredentials;
import dev.concourse.resource.CheckResult;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks, version history, pins and disabled versions through {@link PipelineEngine#resources()}. */
class ResourceChecksTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private final CountDownLatch hanging = new CountDownLatch(1);
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .resourceType(new ListResource())
                .resourceType(new HangingResource(hanging))
                .credentialManager(StaticCredentials.of(Map.of("/main/ci/numbers", "1,2,3", "/main/ci/token", "s3cr3t")))
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void aCheckSavesWhatItFoundInOrderAndTheNextOneChecksFromTheNewest() {
        set("""
                resources:
                - name: numbers
                  type: list
                  source: {versions: ((numbers))}
                """);
        ResourceRef numbers = CI.resource("numbers");

        CheckResult first = engine.resources().check(numbers);

        assertThat(first.succeeded()).isTrue();
        assertThat(first.error()).isNull();
        assertThat(first.found()).containsExactly(v("1"), v("2"), v("3"));
        assertThat(first.saved()).extracting(ResourceVersion::version).containsExactly(v("1"), v("2"), v("3"));
        assertThat(engine.resources().versions(numbers, 2)).extracting(ResourceVersion::version)
                .containsExactly(v("3"), v("2"));
        Resource resource = engine.resources().get(numbers).orElseThrow();
        assertThat(resource.lastChecked()).isEqualTo(first.finished());
        assertThat(resource.scopeId()).isPositive();

        // From the newest: it is found again, nothing is new, nothing moves.
        CheckResult second = engine.resources().check(numbers);
        assertThat(second.found()).containsExactly(v("3"));
        assertThat(second.saved()).isEmpty();

        // From an older version, asked for: the same versions are found, still nothing new.
        CheckResult from = engine.resources().check(numbers, v("2"));
        assertThat(from.found()).containsExactly(v("2"), v("3"));
        assertThat(from.saved()).isEmpty();
        assertThat(engine.resources().versions(numbers, 10)).extracting(ResourceVersion::version)
                .containsExactly(v("3"), v("2"), v("1"));
    }

    @Test
    void aFailedCheckRecordsItsErrorSavesNothingAndTheNextSuccessClearsIt() {
        set("""
                resources:
                - name: flaky
                  type: list
                  source: {versions: "1,2", fail: "the server said no to ((token))"}
                """);
        ResourceRef flaky = CI.resource("flaky");

        CheckResult failed = engine.resources().check(flaky);

        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.found()).isEmpty();
        assertThat(failed.saved()).isEmpty();
        // The secret the source resolved is redacted, and what the check wrote to stderr follows.
        assertThat(failed.error()).isEqualTo("checking resource 'flaky' of pipeline 'main/ci' failed: the server said "
                + "no to ((redacted))\nstderr:\nlist: checking ((redacted)) from none");
        Resource resource = engine.resources().get(flaky).orElseThrow();
        assertThat(resource.checkError()).isEqualTo(failed.error());
        assertThat(resource.lastChecked()).isEqualTo(failed.finished());
        assertThat(engine.resources().versions(flaky, 10)).isEmpty();

        set("""
                resources:
                - name: flaky
                  type: list
                  source: {versions: "1,2"}
                """);
        CheckResult recovered = engine.resources().check(flaky);
        assertThat(recovered.succeeded()).isTrue();
        assertThat(engine.resources().get(flaky).orElseThrow().checkError()).isNull();
        assertThat(engine.resources().versions(flaky, 10)).hasSize(2);
    }

    @Test
    void aCheckPastItsCheckTimeoutIsStoppedAndFails() {
        set("""
                resources:
                - name: slow
                  type: hanging
                  check_timeout: 1s
                """);

        CheckResult result = engine.resources().check(CI.resource("slow"));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.error()).isEqualTo("checking resource 'slow' of pipeline 'main/ci' timed out after 1s (its "
                + "check_timeout)");
        assertThat(hanging.getCount()).as("the check was interrupted").isZero();
    }

    @Test
    void unknownTypesAndVarsAreCheckErrorsNamingThem() {
        set("""
                resources:
                - name: odd
                  type: list
                  source: {versions: ((nowhere))}
                """);

        CheckResult result = engine.resources().check(CI.resource("odd"));

        assertThat(result.error()).startsWith("checking resource 'odd' of pipeline 'main/ci' failed: failed to "
                + "interpolate source of resource 'odd' of pipeline 'main/ci': undefined vars: nowhere");
    }

    @Test
    void pinsAndDisabledVersionsNeedAVersionOfTheHistory() {
        set("""
                resources:
                - name: numbers
                  type: list
                  source: {versions: "1,2"}
                - name: config-pinned
                  type: list
                  source: {versions: "1,2"}
                  version: {n: "1"}
                """);
        ResourceRef numbers = CI.resource("numbers");

        assertThatThrownBy(() -> engine.resources().pin(numbers, v("1"), ""))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("resource 'numbers' of pipeline 'main/ci' has no version n:1; it has no versions yet: "
                        + "check it first");
        engine.resources().check(numbers);
        Resource pinned = engine.resources().pin(numbers, v("1"), "rollback");
        assertThat(pinned.pinnedVersion()).isEqualTo(Map.of("n", "1"));
        assertThat(pinned.pinnedInConfig()).isFalse();
        assertThat(engine.resources().unpin(numbers).isPinned()).isFalse();
        assertThatThrownBy(() -> engine.resources().disable(numbers, v("9")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("has no version n:9; list its versions");
        assertThat(engine.resources().disable(numbers, v("2"))).isTrue();
        assertThat(engine.resources().disable(numbers, v("2"))).isFalse();

        engine.resources().check(CI.resource("config-pinned"));
        assertThatThrownBy(() -> engine.resources().pin(CI.resource("config-pinned"), v("2"), ""))
                .isInstanceOf(ConcourseException.class)
                .hasMessage("cannot pin it to another version: resource 'config-pinned' of pipeline 'main/ci' is "
                        + "pinned in its config (version: n:1); set the pipeline without that pin first");
    }

    @Test
    void missingPipelinesAndResourcesAreNotFound() {
        assertThatThrownBy(() -> engine.resources().check(CI.resource("x")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("pipeline 'main/ci' does not exist");
        set("resources: [{name: a, type: list}]\n");
        assertThatThrownBy(() -> engine.resources().versions(CI.resource("b"), 5))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("resource 'b' does not exist in pipeline 'main/ci'");
        assertThat(engine.resources().get(CI.resource("b"))).isEmpty();
        assertThat(engine.resources().list(CI)).extracting(r -> r.ref().name()).containsExactly("a");
    }

    /** Sets the pipeline with these resources and a job that gets each of them (a pipeline needs a job). */
    private void set(String resources) {
        StringBuilder yaml = new StringBuilder(resources).append("jobs:\n- name: use\n  plan:\n");
        Matcher names = Pattern.compile("name: ([\\w-]+)").matcher(resources);
        while (names.find()) {
            yaml.append("  - get: ").append(names.group(1)).append('\n');
        }
        engine.pipelines().set(CI, yaml.toString(), StaticVariables.empty());
    }

    private static Version v(String n) {
        return Version.of("n", n);
    }

    /**
     * A native type for tests: {@code source.versions} is a comma-separated list; a check returns
     * those from the given version on (all of them on a first check), or fails with
     * {@code source.fail} after writing a line to the log.
     */
    static final class ListResource implements ResourceType {
        @Override
        public String name() {
            return "list";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            List<Version> all = new ArrayList<>();
            for (String n : String.valueOf(request.source().getOrDefault("versions", "")).split(",")) {
                if (!n.isBlank()) {
                    all.add(Version.of("n", n.strip()));
                }
            }
            Object fail = request.source().get("fail");
            if (fail != null) {
                request.logLine("list: checking " + String.valueOf(fail).replaceAll(".* ", "") + " from "
                        + (request.version() == null ? "none" : request.version()));
                throw new ResourceException(String.valueOf(fail));
            }
            int from = request.version() == null ? 0 : Math.max(0, all.indexOf(request.version()));
            return all.subList(from, all.size());
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new ResourceException("list: put is not supported");
        }
    }

    /** A native type whose check waits until it is interrupted (counting the latch down then). */
    record HangingResource(CountDownLatch interrupted) implements ResourceType {
        @Override
        public String name() {
            return "hanging";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            try {
                new CountDownLatch(1).await(1, TimeUnit.HOURS);
                return List.of();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new ResourceException("interrupted");
            }
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            throw new ResourceException("hanging: get is not supported");
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new ResourceException("hanging: put is not supported");
        }
    }
}
