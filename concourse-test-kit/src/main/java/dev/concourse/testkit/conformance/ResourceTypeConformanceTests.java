package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every native {@link ResourceType} must have, as JUnit Jupiter tests: Concourse's
 * resource protocol as the engine relies on it. A first check finds versions, oldest first; a check
 * from the latest version finds it again; a get of it reports it and fills the directory; a put
 * (where the type has one) makes a version that a check from it finds; cancelled calls end
 * promptly; and output goes to the request's log, never to {@code System.out}.
 *
 * <p>To check a type, subclass this kit in your test sources and give it the type, a source for
 * which a check finds at least one version and, if the type can put, the params of a put that
 * creates a version:
 *
 * <pre>{@code
 * class FileLinesResourceConformanceTest extends ResourceTypeConformanceTests {
 *     @TempDir Path data;
 *
 *     @Override
 *     protected ResourceType createType() {
 *         return new FileLinesResource();
 *     }
 *
 *     @Override
 *     protected Map<String, Object> sourceWithVersions() {
 *         writeLines(data.resolve("lines"), "first", "second");   // once per test
 *         return Map.of("path", data.resolve("lines").toString());
 *     }
 *     // putParams() stays null: file-lines cannot put, and the kit checks that put says so
 * }
 * }</pre>
 *
 * <p>{@link #createType()} is called once per test. {@link #sourceWithVersions()} may be called
 * several times in a test and must describe the same, unchanging versions each time (do not
 * rewrite files on every call). A type that cannot put leaves {@link #putParams()} null; the kit
 * then checks that a put fails with a {@link ResourceException} rather than making something up.
 * The kit replaces {@code System.out} while it watches for stray output, so run these tests in
 * one thread (JUnit's default). Each call must end within 10 seconds, and a cancelled call within
 * 5.
 */
public abstract class ResourceTypeConformanceTests {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CANCELLED_TIMEOUT = Duration.ofSeconds(5);
    private static final Map<String, String> BUILD_ENVIRONMENT = Map.of(
            "BUILD_ID", "42",
            "BUILD_NAME", "7",
            "BUILD_TEAM_NAME", "main",
            "BUILD_PIPELINE_NAME", "conformance",
            "BUILD_JOB_NAME", "kit",
            "ATC_EXTERNAL_URL", "http://localhost:8080");

    @TempDir
    Path work;

    /** The type under test; called once per test. */
    protected abstract ResourceType createType();

    /** A source for which a first check (no version) finds at least one version. */
    protected abstract Map<String, Object> sourceWithVersions();

    /**
     * The params of a put that creates a version, with the source of {@link #sourceWithVersions()},
     * or null if the type cannot put (the default).
     */
    protected Map<String, Object> putParams() {
        return null;
    }

    /**
     * Fills the directory a put gets (one sub-directory per input artifact) before the kit's puts;
     * does nothing unless overridden.
     */
    protected void preparePutInputs(Path directory) throws IOException {
    }

    /**
     * Text that a check with {@link #sourceWithVersions()} writes to the request's log, or null
     * (the default) if it writes nothing there. When given, the kit checks that it arrives in the
     * log.
     */
    protected String expectedCheckLogText() {
        return null;
    }

    @Test
    void nameIsNonEmptyAndStable() {
        ResourceType type = createType();

        assertThat(type.name()).isNotBlank();
        assertThat(type.name()).isEqualTo(type.name()).isEqualTo(createType().name());
    }

    @Test
    void aFirstCheckFindsDistinctVersionsWithStringFields() {
        List<Version> versions = firstCheck(createType());

        assertThat(versions).as("first check of %s", sourceWithVersions()).isNotEmpty().doesNotContainNull()
                .doesNotHaveDuplicates();
        assertThat(versions).allSatisfy(version -> {
            assertThat(version.fields()).as("fields of %s", version).isNotEmpty();
            version.fields().forEach((key, value) -> {
                assertThat(key).as("a field name of %s", version).isNotEmpty();
                assertThat(value).as("field %s of %s", key, version).isNotNull();
            });
        });
    }

    @Test
    void aCheckFromTheLatestVersionBeginsWithIt() {
        ResourceType type = createType();
        Version latest = firstCheck(type).getLast();

        List<Version> again = call(() -> type.check(checkRequest(latest)));

        assertThat(again).as("check from %s (it is still valid, so the list begins with it)", latest)
                .isNotEmpty().doesNotHaveDuplicates();
        assertThat(again.getFirst()).isEqualTo(latest);
    }

    @Test
    void aGetOfTheLatestVersionReportsItAndFillsTheDirectory() throws IOException {
        ResourceType type = createType();
        Version latest = firstCheck(type).getLast();
        Path directory = Files.createDirectory(work.resolve("get"));

        ResourceResult result = call(() -> type.get(request(latest, Map.of(), OutputStream.nullOutputStream(),
                () -> false), directory));

        assertThat(result).as("get of %s", latest).isNotNull();
        assertThat(result.version()).isEqualTo(latest);
        assertThat(result.metadata()).isNotNull().doesNotContainNull();
        try (Stream<Path> entries = Files.list(directory)) {
            assertThat(entries).as("what the get wrote into its directory").isNotEmpty();
        }
    }

    @Test
    void aPutCreatesAVersionThatACheckFromItFinds() throws IOException {
        ResourceType type = createType();
        Path directory = Files.createDirectory(work.resolve("put"));
        preparePutInputs(directory);
        Map<String, Object> params = putParams();
        if (params == null) {
            // The type says it cannot put: it must refuse, not report a version it did not make.
            assertThatThrownBy(() -> call(() -> type.put(request(null, Map.of(), OutputStream.nullOutputStream(),
                    () -> false), directory)))
                    .as("put of a type without putParams()")
                    .isInstanceOf(ResourceException.class);
            return;
        }

        ResourceResult result = call(() -> type.put(request(null, params, OutputStream.nullOutputStream(),
                () -> false), directory));

        assertThat(result).as("put with %s", params).isNotNull();
        assertThat(result.version().fields()).isNotEmpty();
        assertThat(result.metadata()).isNotNull().doesNotContainNull();
        List<Version> fromPut = call(() -> type.check(checkRequest(result.version())));
        assertThat(fromPut).as("check from the version the put created").contains(result.version());
    }

    @Test
    void cancelledCallsEndPromptly() throws IOException {
        ResourceType type = createType();
        Version latest = firstCheck(type).getLast();
        Path getDirectory = Files.createDirectory(work.resolve("get"));
        Path putDirectory = Files.createDirectory(work.resolve("put"));
        preparePutInputs(putDirectory);

        endsPromptlyWhenCancelled("check", () -> type.check(request(latest, Map.of(), Map.of(),
                OutputStream.nullOutputStream(), () -> true)));
        endsPromptlyWhenCancelled("get", () -> type.get(request(latest, Map.of(), OutputStream.nullOutputStream(),
                () -> true), getDirectory));
        if (putParams() != null) {
            endsPromptlyWhenCancelled("put", () -> type.put(request(null, putParams(),
                    OutputStream.nullOutputStream(), () -> true), putDirectory));
        }
    }

    @Test
    void outputGoesToTheRequestsLogNotToSystemOut() throws IOException {
        ResourceType type = createType();
        Path getDirectory = Files.createDirectory(work.resolve("get"));
        Path putDirectory = Files.createDirectory(work.resolve("put"));
        preparePutInputs(putDirectory);
        OutputCapture checkLog = new OutputCapture();
        OutputCapture otherLog = new OutputCapture();
        OutputCapture stdout = new OutputCapture();

        PrintStream original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            List<Version> versions = call(() -> type.check(request(null, Map.of(), Map.of(), checkLog, () -> false)));
            assertThat(versions).as("first check").isNotEmpty();
            call(() -> type.get(request(versions.getLast(), Map.of(), otherLog, () -> false), getDirectory));
            if (putParams() != null) {
                call(() -> type.put(request(null, putParams(), otherLog, () -> false), putDirectory));
            }
        } finally {
            System.setOut(original);
        }

        assertThat(stdout.text()).as("what check, get and put wrote to System.out").isEmpty();
        if (expectedCheckLogText() != null) {
            assertThat(checkLog.text()).as("the check's log").contains(expectedCheckLogText());
        }
    }

    private List<Version> firstCheck(ResourceType type) {
        List<Version> versions = call(() -> type.check(checkRequest(null)));
        assertThat(versions).as("first check of %s", sourceWithVersions()).isNotNull().isNotEmpty();
        return versions;
    }

    private ResourceRequest checkRequest(Version version) {
        return request(version, Map.of(), Map.of(), OutputStream.nullOutputStream(), () -> false);
    }

    /** A get or put request: with the build's metadata environment. */
    private ResourceRequest request(Version version, Map<String, Object> params, OutputStream log,
            BooleanSupplier cancelled) {
        return request(version, params, BUILD_ENVIRONMENT, log, cancelled);
    }

    private ResourceRequest request(Version version, Map<String, Object> params, Map<String, String> environment,
            OutputStream log, BooleanSupplier cancelled) {
        return new ResourceRequest(new LinkedHashMap<>(sourceWithVersions()), params, version, environment, log,
                cancelled);
    }

    private static <T> T call(Supplier<T> call) {
        return assertTimeoutPreemptively(CALL_TIMEOUT, call::get);
    }

    /**
     * As the engine cancels: the request says so and the calling thread is interrupted. Returning
     * and throwing a {@link ResourceException} are both fine; hanging and other exceptions are not.
     */
    private static void endsPromptlyWhenCancelled(String what, Supplier<?> call) {
        assertTimeoutPreemptively(CANCELLED_TIMEOUT, () -> {
            Thread.currentThread().interrupt();
            try {
                call.get();
            } catch (ResourceException expected) {
                // Giving up with an error is a valid answer to cancellation.
            } finally {
                Thread.interrupted();
            }
        }, () -> "a cancelled " + what + " did not end within " + CANCELLED_TIMEOUT.toSeconds() + " s");
    }
}
