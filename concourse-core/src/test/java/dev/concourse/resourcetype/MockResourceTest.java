package dev.concourse.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockResourceTest {
    private final MockResource mock = new MockResource();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @Test
    void itIsCalledMock() {
        assertThat(mock.name()).isEqualTo("mock").isEqualTo(MockResource.NAME);
    }

    @Test
    void theFirstCheckFindsTheInitialVersionMockByDefault() {
        assertThat(mock.check(check(Map.of(), null))).containsExactly(Version.of("version", "mock"));
        assertThat(mock.check(check(Map.of("initial_version", "v1"), null))).containsExactly(Version.of("version", "v1"));
    }

    @Test
    void noInitialVersionMakesTheFirstCheckFindNothing() {
        assertThat(mock.check(check(Map.of("no_initial_version", true), null))).isEmpty();
        assertThat(mock.check(check(Map.of("no_initial_version", false), null)))
                .containsExactly(Version.of("version", "mock"));
    }

    @Test
    void aCheckFromAVersionFindsThatVersionAgainAndNothingNewer() {
        Version current = new Version(Map.of("version", "v7", "extra", "kept"));

        assertThat(mock.check(check(Map.of("initial_version", "v1"), current))).containsExactly(current);
        assertThat(mock.check(check(Map.of("no_initial_version", true), current))).containsExactly(current);
    }

    @Test
    void forceVersionIsAlwaysWhatACheckFinds() {
        Map<String, Object> source = Map.of("force_version", "forced", "initial_version", "ignored");

        assertThat(mock.check(check(source, null))).containsExactly(Version.of("version", "forced"));
        assertThat(mock.check(check(source, Version.of("version", "v3")))).containsExactly(Version.of("version", "forced"));
    }

    @Test
    void checkFailureFailsEveryCheckWithItsText() {
        assertThatThrownBy(() -> mock.check(check(Map.of("check_failure", "the upstream is down"), null)))
                .isInstanceOf(ResourceException.class)
                .hasMessage("the upstream is down");
    }

    @Test
    void getWritesTheVersionFileAndTheCreatedFilesAndReportsTheMetadata() throws IOException {
        Map<String, Object> source = Map.of(
                "create_files", Map.of("hello.txt", "hi", "nested/dir/file", "deep"),
                "metadata", List.of(Map.of("name", "author", "value", "me"), Map.of("name", "n", "value", "1")));

        ResourceResult result = mock.get(request(source, Map.of(), Version.of("version", "v2"), Map.of()), dir);

        assertThat(result).isEqualTo(new ResourceResult(Version.of("version", "v2"),
                List.of(new MetadataField("author", "me"), new MetadataField("n", "1"))));
        assertThat(dir.resolve("version")).hasContent("v2");
        assertThat(dir.resolve("hello.txt")).hasContent("hi");
        assertThat(dir.resolve("nested/dir/file")).hasContent("deep");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("version", "hello.txt",
                    "nested");
        }
    }

    @Test
    void getRefusesFilesOutsideItsDirectoryAndNeedsAVersion() {
        assertThatThrownBy(() -> mock.get(request(Map.of("create_files", Map.of("../escape", "x")), Map.of(),
                Version.of("version", "v"), Map.of()), dir))
                .isInstanceOf(ResourceException.class)
                .hasMessage("mock resource: create_files path '../escape' is outside the resource's directory; use a "
                        + "relative path without '..'");
        assertThatThrownBy(() -> mock.get(request(Map.of(), Map.of(), null, Map.of()), dir))
                .hasMessage("mock resource: get needs a version to fetch");
        assertThat(dir.getParent().resolve("escape")).doesNotExist();
    }

    @Test
    void putCreatesTheVersionFromParamsVersionFirstThenTheTrimmedContentOfParamsFile() throws IOException {
        Files.createDirectories(dir.resolve("built"));
        Files.writeString(dir.resolve("built/number"), "  42\n", StandardCharsets.UTF_8);
        Map<String, Object> source = Map.of("metadata", List.of(Map.of("name", "pushed", "value", "yes")));

        assertThat(mock.put(request(source, Map.of("version", "v9", "file", "built/number"), null, Map.of()), dir))
                .isEqualTo(new ResourceResult(Version.of("version", "v9"), List.of(new MetadataField("pushed", "yes"))));
        assertThat(mock.put(request(Map.of(), Map.of("file", "built/number"), null, Map.of()), dir).version())
                .isEqualTo(Version.of("version", "42"));
    }

    @Test
    void putWithoutVersionOrFileOrWithAMissingFileErrors() {
        assertThatThrownBy(() -> mock.put(request(Map.of(), Map.of(), null, Map.of()), dir))
                .isInstanceOf(ResourceException.class)
                .hasMessage("mock resource: put needs params.version (the version to create) or params.file (a file "
                        + "in the put's inputs holding it)");
        assertThatThrownBy(() -> mock.put(request(Map.of(), Map.of("file", "nowhere/v"), null, Map.of()), dir))
                .hasMessage("mock resource: params.file 'nowhere/v' does not exist in the put's inputs; is the "
                        + "artifact that should hold it an input of the put step?");
    }

    @Test
    void printEnvWritesTheBuildVariablesSortedToTheLog() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BUILD_NAME", "7");
        env.put("ATC_EXTERNAL_URL", "https://ci.example.com");
        env.put("BUILD_ID", "42");

        mock.put(request(Map.of(), Map.of("version", "v", "print_env", true), null, env), dir);

        assertThat(log()).isEqualTo("BUILD_ID=42\nBUILD_NAME=7\n");
    }

    @Test
    void logIsWrittenByEveryOperationFirst() {
        Map<String, Object> source = Map.of("log", "hello from mock", "check_failure", "fails after logging");

        assertThatThrownBy(() -> mock.check(request(source, Map.of(), null, Map.of())));
        mock.get(request(source, Map.of(), Version.of("version", "v"), Map.of()), dir);
        mock.put(request(source, Map.of("version", "v"), null, Map.of()), dir);

        assertThat(log()).isEqualTo("hello from mock\nhello from mock\nhello from mock\n");
    }

    @Test
    void fieldsOfTheWrongTypeAreErrorsNamingThemAndMirrorSelfAndPrivilegedAreIgnored() {
        assertThatThrownBy(() -> mock.check(check(Map.of("initial_version", 5), null)))
                .isInstanceOf(ResourceException.class)
                .hasMessage("mock resource: source.initial_version must be a string, not a number (5)");
        assertThatThrownBy(() -> mock.check(check(Map.of("no_initial_version", "yes"), null)))
                .hasMessage("mock resource: source.no_initial_version must be true or false, not a string (yes)");
        assertThatThrownBy(() -> mock.get(request(Map.of("metadata", List.of("x")), Map.of(),
                Version.of("version", "v"), Map.of()), dir))
                .hasMessage("mock resource: source.metadata[0] must be {name: string, value: string}, not a string (x)");
        assertThat(mock.check(check(Map.of("mirror_self", true, "privileged", true), null)))
                .containsExactly(Version.of("version", "mock"));
    }

    private ResourceRequest check(Map<String, Object> source, Version version) {
        return request(source, Map.of(), version, Map.of());
    }

    private ResourceRequest request(Map<String, Object> source, Map<String, Object> params, Version version,
            Map<String, String> env) {
        return new ResourceRequest(source, params, version, env, log, () -> false);
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }
}
