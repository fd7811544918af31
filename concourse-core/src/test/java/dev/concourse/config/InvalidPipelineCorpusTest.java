package dev.concourse.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pipeline under {@code pipelines/invalid/} is loaded and must produce exactly the findings
 * its header declares, in order, one per line:
 * {@code # expect: error|warning TYPE PATH: MESSAGE @ LINE:COLUMN}.
 */
class InvalidPipelineCorpusTest {
    private static final String EXPECT = "# expect: ";

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        URL folder = InvalidPipelineCorpusTest.class.getResource("/pipelines/invalid");
        assertThat(folder).as("pipelines/invalid on the test class path").isNotNull();
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(folder.toURI()))) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().toList();
        }
        return files.stream();
    }

    @Test
    void theCorpusIsThere() throws Exception {
        assertThat(corpus()).hasSizeGreaterThanOrEqualTo(45);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void findingsAreExactlyTheExpectedOnes(Path file) throws IOException {
        List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith(EXPECT))
                .map(line -> line.substring(EXPECT.length()))
                .toList();
        assertThat(expected).as("%s declares its findings", file.getFileName()).isNotEmpty();

        LoadResult<PipelineConfig> result = PipelineLoader.create().load(file);

        assertThat(result.findings()).extracting(InvalidPipelineCorpusTest::render)
                .as("findings of %s", file.getFileName())
                .containsExactlyElementsOf(expected);
    }

    private static String render(ConfigFinding finding) {
        return finding.severity().label() + " " + finding.type() + " " + finding.path() + ": " + finding.message()
                + " @ " + finding.location().line() + ":" + finding.location().column();
    }
}
