package dev.concourse.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    @TempDir
    Path directory;

    @Test
    void whatIsWrittenIsReadBackExactlyWhateverTheCharacters() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("env.PATH", "/usr/bin:/bin");
        entries.put("property.a key with spaces", " leading and trailing spaces ");
        entries.put("property.k=v:#!", "a=b:c#d!e\\f");
        entries.put("property.lines", "one\ntwo\r\nthree\tfour\fend");
        entries.put("property.controls", "\u0001\u001f\u007f");
        entries.put("property.unicode", "caf\u00e9 \u65e5\u672c \uD83D\uDE80");
        entries.put("property.empty", "");
        entries.put("#comment-like", "!also");
        StateFile state = new StateFile(directory.resolve("volume.properties"));

        state.write(entries);

        assertThat(state.read()).contains(new TreeMap<>(entries));
    }

    @Test
    void theFileIsAPropertiesFileInUtf8AndRewritingReplacesIt() throws IOException {
        StateFile state = new StateFile(directory.resolve("container.properties"));
        state.write(Map.of("old", "gone"));

        state.write(Map.of("b", "2", "a", "\u00e9"));

        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(state.path(), StandardCharsets.UTF_8)) {
            loaded.load(reader);
        }
        assertThat(loaded).containsOnly(Map.entry("a", "\u00e9"), Map.entry("b", "2"));
        assertThat(Files.readString(state.path())).isEqualTo("a=\u00e9\nb=2\n");
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(state.path());
        }
    }
}
