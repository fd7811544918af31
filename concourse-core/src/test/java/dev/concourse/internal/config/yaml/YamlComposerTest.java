package dev.concourse.internal.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.SourceLocation;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YamlComposerTest {

    private static YamlComposer.Result compose(String yaml) {
        return YamlComposer.compose("test.yml", yaml);
    }

    private static YamlMap root(String yaml) {
        YamlComposer.Result result = compose(yaml);
        assertThat(result.failed()).as("%s", result.findings()).isFalse();
        return (YamlMap) result.root();
    }

    private static Object value(String yaml) {
        return ((YamlScalar) root("v: " + yaml + "\n").get("v")).value();
    }

    private static SourceLocation at(int line, int column) {
        return new SourceLocation("test.yml", line, column);
    }

    // ---- positions ----

    @Test
    void keysAndValuesKnowTheirLineAndColumn() {
        YamlMap root = root("""
                resources:
                - name: repo
                  type: git
                  source: {uri: "https://x"}
                """);

        YamlMap.Entry resources = root.entry("resources");
        assertThat(resources.keyLocation()).isEqualTo(at(1, 1));
        YamlList list = (YamlList) resources.value();
        assertThat(list.location()).isEqualTo(at(2, 1));
        YamlMap item = (YamlMap) list.items().get(0);
        assertThat(item.location()).isEqualTo(at(2, 3));
        assertThat(item.entry("name").keyLocation()).isEqualTo(at(2, 3));
        assertThat(item.get("name").location()).isEqualTo(at(2, 9));
        assertThat(item.entry("type").keyLocation()).isEqualTo(at(3, 3));
        assertThat(item.get("type").location()).isEqualTo(at(3, 9));
        YamlMap source = (YamlMap) item.get("source");
        assertThat(source.location()).isEqualTo(at(4, 11));
        assertThat(source.entry("uri").keyLocation()).isEqualTo(at(4, 12));
        assertThat(source.get("uri").location()).isEqualTo(at(4, 17));
    }

    @Test
    void blockScalarPositionIsItsIndicator() {
        YamlMap root = root("a: 1\nscript: |\n  echo hi\n");
        assertThat(root.get("script").location()).isEqualTo(at(2, 9));
        assertThat(((YamlScalar) root.get("script")).value()).isEqualTo("echo hi\n");
    }

    @Test
    void emptyDocumentIsANullRoot() {
        for (String text : List.of("", "# comment only\n", "---\n", "~\n")) {
            YamlComposer.Result result = compose(text);
            assertThat(result.failed()).isFalse();
            assertThat(result.root()).isInstanceOfSatisfying(YamlScalar.class, s -> assertThat(s.isNull()).isTrue());
            assertThat(result.findings()).isEmpty();
        }
    }

    // ---- YAML 1.2 core schema ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0o17   | 15
            0x1F   | 31
            0xff   | 255
            42     | 42
            -7     | -7
            +3     | 3
            012    | 12
            """)
    void coreSchemaIntegers(String text, long expected) {
        assertThat(value(text)).isEqualTo(expected);
    }

    @Test
    void coreSchemaScalars() {
        assertThat(value(".inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(value("-.Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat((Double) value(".nan")).isNaN();
        assertThat(value("1.5")).isEqualTo(1.5);
        assertThat(value("1e3")).isEqualTo(1000.0);
        assertThat(value("~")).isNull();
        assertThat(value("null")).isNull();
        assertThat(value("Null")).isNull();
        assertThat(value("")).isNull();
        assertThat(value("true")).isEqualTo(true);
        assertThat(value("False")).isEqualTo(false);
        assertThat(value("123456789012345678901234567890")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(value("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(value("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    }

    @Test
    void numbersBeyondADoubleStayText() {
        assertThat(value("1e400")).isEqualTo("1e400");
        assertThat(value("-1.5E999")).isEqualTo("-1.5E999");
        assertThat(value("1e308")).isEqualTo(1e308);
        assertThat(JsonComposer.compose("p.json", "[1e400, -2e999, 1e308]").root().toPlain())
                .isEqualTo(List.of("1e400", "-2e999", 1e308));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            yes         | yes
            no          | no
            on          | on
            off         | off
            Y           | Y
            1_000       | 1_000
            0b101       | 0b101
            2024-01-01  | 2024-01-01
            1h30m       | 1h30m
            1GB         | 1GB
            0o9         | 0o9
            """)
    void yaml11OnlyScalarsStayStrings(String text, String expected) {
        assertThat(value(text)).isEqualTo(expected);
    }

    @Test
    void quotedScalarsAreStringsAndNotPlain() {
        YamlMap root = root("""
                a: "123"
                b: 'true'
                c: 123
                d: plain
                e: "~"
                f: |
                  block
                """);
        assertThat(root.get("a")).isEqualTo(new YamlScalar("123", at(1, 4), false));
        assertThat(root.get("b")).isEqualTo(new YamlScalar("true", at(2, 4), false));
        assertThat(root.get("c")).isEqualTo(new YamlScalar(123L, at(3, 4), true));
        assertThat(root.get("d")).isEqualTo(new YamlScalar("plain", at(4, 4), true));
        assertThat(((YamlScalar) root.get("e")).value()).isEqualTo("~");
        assertThat(((YamlScalar) root.get("f")).plain()).isFalse();
    }

    @Test
    void explicitTags() {
        assertThat(value("!!str 123")).isEqualTo("123");
        assertThat(value("!!int \"42\"")).isEqualTo(42L);
        assertThat(value("!!float 1")).isEqualTo(1.0);
        assertThat(value("!!bool true")).isEqualTo(true);
        assertThat(value("! 12")).as("the non-specific tag makes a string").isEqualTo("12");
        assertThat(value("!custom 12")).isEqualTo("12");

        YamlComposer.Result bad = compose("v: !!int abc\n");
        assertThat(((YamlScalar) ((YamlMap) bad.root()).get("v")).value()).isEqualTo("abc");
        assertThat(bad.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(ConfigFinding.Severity.WARNING);
            assertThat(f.type()).isEqualTo("invalid_scalar");
            assertThat(f.location()).isEqualTo(at(1, 4));
        });
    }

    @Test
    void keysAreStrings() {
        YamlMap root = root("1: one\ntrue: yes\nnull: x\n0x10: hex\n");
        assertThat(root.entries()).extracting(YamlMap.Entry::key).containsExactly("1", "true", "", "16");
    }

    @Test
    void plainValuesConvertToJavaTypes() {
        YamlMap root = root("m: {a: [1, x, {b: null}]}\n");
        assertThat(root.toPlain()).isEqualTo(Map.of("m", Map.of("a", List.of(1L, "x", java.util.Collections
                .singletonMap("b", null)))));
    }

    // ---- merge keys ----

    @Test
    void mergeKeyWithOneMapping() {
        YamlMap root = root("""
                base: &base {a: 1, b: 2}
                child:
                  <<: *base
                  c: 3
                """);
        YamlMap child = (YamlMap) root.get("child");
        assertThat(child.toPlain()).isEqualTo(Map.of("a", 1L, "b", 2L, "c", 3L));
        assertThat(child.has("<<")).isFalse();
    }

    @Test
    void mergeKeyWithAListOfMappingsFirstWins() {
        YamlMap root = root("""
                one: &one {a: 1, b: 1}
                two: &two {b: 2, c: 2}
                child:
                  <<: [*one, *two]
                """);
        assertThat(root.get("child").toPlain()).isEqualTo(Map.of("a", 1L, "b", 1L, "c", 2L));
    }

    @Test
    void explicitKeysOverrideMergedOnesWhereverTheyAreWritten() {
        YamlMap root = root("""
                base: &base {a: 1, b: 2}
                before:
                  a: explicit
                  <<: *base
                after:
                  <<: *base
                  a: explicit
                """);
        assertThat(root.get("before").toPlain()).isEqualTo(Map.of("a", "explicit", "b", 2L));
        assertThat(root.get("after").toPlain()).isEqualTo(Map.of("a", "explicit", "b", 2L));
        YamlMap after = (YamlMap) root.get("after");
        assertThat(after.entry("a").keyLocation()).isEqualTo(at(7, 3));
        assertThat(after.entry("b").keyLocation()).as("a merged key keeps its own position").isEqualTo(at(1, 20));
    }

    @Test
    void mergeKeyWithAnInlineMapping() {
        assertThat(root("child: {<<: {a: 1}, b: 2}\n").get("child").toPlain()).isEqualTo(Map.of("a", 1L, "b", 2L));
    }

    @Test
    void quotedMergeKeyIsAnOrdinaryKey() {
        YamlMap child = (YamlMap) root("child: {\"<<\": {a: 1}}\n").get("child");
        assertThat(child.has("<<")).isTrue();
    }

    @Test
    void mergeKeyOfAScalarIsAnError() {
        YamlComposer.Result result = compose("a: 1\nchild:\n  <<: oops\n");
        assertThat(result.failed()).isTrue();
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.isError()).isTrue();
            assertThat(f.message()).contains("merge key");
            assertThat(f.location().line()).isEqualTo(3);
        });
        assertThat(compose("child: {<<: [{a: 1}, 2]}\n").failed()).isTrue();
    }

    // ---- duplicates and documents ----

    @Test
    void duplicateKeyWarnsAndTheLastWins() {
        YamlComposer.Result result = compose("a: 1\nb: 2\na: 3\n");
        assertThat(((YamlMap) result.root()).get("a").toPlain()).isEqualTo(3L);
        assertThat(((YamlMap) result.root()).entries()).extracting(YamlMap.Entry::key).containsExactly("a", "b");
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(ConfigFinding.Severity.WARNING);
            assertThat(f.type()).isEqualTo("duplicate_key");
            assertThat(f.location()).isEqualTo(at(3, 1));
            assertThat(f.message()).contains("'a'").contains("line 1");
        });
    }

    @Test
    void multipleDocumentsWarnAndOnlyTheFirstIsUsed() {
        YamlComposer.Result result = compose("a: 1\n---\nb: [2, {c: 3}]\n---\nc: 4\n");
        assertThat(result.root().toPlain()).isEqualTo(Map.of("a", 1L));
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("multiple_documents");
            assertThat(f.severity()).isEqualTo(ConfigFinding.Severity.WARNING);
            assertThat(f.location().line()).isEqualTo(2);
        });
    }

    @Test
    void laterDocumentsAreNotComposed() {
        // An alias bomb or a bad alias in the ignored second document costs nothing and fails nothing.
        YamlComposer.Result result = compose("a: 1\n---\nb: *missing\n");
        assertThat(result.failed()).isFalse();
        assertThat(result.root().toPlain()).isEqualTo(Map.of("a", 1L));
    }

    // ---- anchors and aliases ----

    @Test
    void aliasesShareTheAnchoredNode() {
        YamlMap root = root("""
                a: &x {k: v}
                b: *x
                c: &s scalar
                d: *s
                """);
        assertThat(root.get("b")).isSameAs(root.get("a"));
        assertThat(root.get("d")).isSameAs(root.get("c"));
        assertThat(root.get("b").location()).as("the node keeps its anchor's position").isEqualTo(at(1, 4));
    }

    @Test
    void anchorsCanBeRedefined() {
        YamlMap root = root("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
        assertThat(root.toPlain()).isEqualTo(Map.of("a", 1L, "b", 1L, "c", 2L, "d", 2L));
    }

    @Test
    void aliasBeforeItsAnchorIsAnError() {
        YamlComposer.Result result = compose("a: *x\nb: &x 1\n");
        assertThat(result.failed()).isTrue();
        assertThat(result.findings()).singleElement().satisfies(f -> {
            assertThat(f.isError()).isTrue();
            assertThat(f.type()).isEqualTo("yaml_syntax");
            assertThat(f.message()).contains("unknown anchor 'x'");
            assertThat(f.location()).isEqualTo(at(1, 4));
        });
    }

    @Test
    void aliasInsideItsOwnAnchorIsAnError() {
        YamlComposer.Result result = compose("a: &x [1, *x]\n");
        assertThat(result.failed()).isTrue();
        assertThat(result.findings().get(0).message()).contains("unknown anchor 'x'");
    }

    @Test
    void weightCountsExpandedAliases() {
        YamlMap root = root("a: &a [1, 2, 3]\nb: [*a, *a]\n");
        assertThat(root.get("a").weight()).isEqualTo(4);
        assertThat(root.get("b").weight()).isEqualTo(9);
    }

    // ---- limits ----

    @Test
    void limitsOnDepthWeightAndSize() {
        YamlComposer.Limits tight = new YamlComposer.Limits(100, 3, 10);

        YamlComposer.Result deep = YamlComposer.compose("t.yml", "a: {b: {c: {d: 1}}}", tight);
        assertThat(deep.failed()).isTrue();
        assertThat(deep.findings().get(0).message()).contains("nested more than 3 levels");
        assertThat(deep.findings().get(0).location()).isEqualTo(new SourceLocation("t.yml", 1, 12));

        YamlComposer.Result heavy = YamlComposer.compose("t.yml", "a: &a [1, 2, 3]\nb: [*a, *a]\n", tight);
        assertThat(heavy.failed()).isTrue();
        assertThat(heavy.findings().get(0).message()).contains("aliases");

        YamlComposer.Result big = YamlComposer.compose("t.yml", "a: " + "x".repeat(200), tight);
        assertThat(big.failed()).isTrue();
        assertThat(big.findings().get(0).message()).contains("larger than 100");
        assertThat(big.findings().get(0).location()).isEqualTo(SourceLocation.ofFile("t.yml"));
    }

    @Test
    void sizeIsCountedInCodePoints() {
        YamlComposer.Limits limits = new YamlComposer.Limits(10, 10, 100);
        assertThat(YamlComposer.compose("t.yml", "a: 🚀🚀🚀🚀🚀", limits).failed()).as("8 code points, 13 chars")
                .isFalse();
    }

    // ---- syntax errors ----

    @Test
    void syntaxErrorsHaveAPosition() {
        YamlComposer.Result result = compose("a: 1\nb: [1, 2\nc: 3\n");
        assertThat(result.failed()).isTrue();
        ConfigFinding f = result.findings().get(0);
        assertThat(f.type()).isEqualTo("yaml_syntax");
        assertThat(f.message()).startsWith("invalid YAML: ");
        assertThat(f.location().hasPosition()).isTrue();
        assertThat(f.location().file()).isEqualTo("test.yml");
    }

    @Test
    void tabIndentationIsASyntaxError() {
        YamlComposer.Result result = compose("jobs:\n\t- name: x\n");
        assertThat(result.failed()).isTrue();
        assertThat(result.findings().get(0).location().line()).isEqualTo(2);
    }

    @Test
    void nonScalarKeysAreRejected() {
        YamlComposer.Result result = compose("? [a, b]\n: c\n");
        assertThat(result.failed()).isTrue();
        assertThat(result.findings().get(0).message()).contains("mapping keys must be strings");
    }

    @Test
    void rootMayBeAnyNode() {
        assertThat(compose("- a\n- b\n").root()).isInstanceOf(YamlList.class);
        assertThat(compose("hello").root()).isEqualTo(new YamlScalar("hello", at(1, 1), true));
    }

    // ---- JSON ----

    @Test
    void jsonComposerKeepsPositionsAndTypes() {
        YamlComposer.Result result = JsonComposer.compose("p.json", "{\n  \"a\": [1, 2.5, true, null, \"s\"],\n"
                + "  \"big\": 123456789012345678901234567890\n}");
        YamlMap root = (YamlMap) result.root();
        assertThat(root.entry("a").keyLocation()).isEqualTo(new SourceLocation("p.json", 2, 3));
        assertThat(root.get("a").toPlain()).isEqualTo(java.util.Arrays.asList(1L, 2.5, true, null, "s"));
        assertThat(((YamlList) root.get("a")).items().get(1).location()).isEqualTo(new SourceLocation("p.json", 2, 12));
        assertThat(root.get("big").toPlain()).isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    @Test
    void jsonSyntaxErrorsAndLimits() {
        YamlComposer.Result bad = JsonComposer.compose("p.json", "{\"a\": [1, }");
        assertThat(bad.failed()).isTrue();
        assertThat(bad.findings().get(0).type()).isEqualTo("json_syntax");
        assertThat(bad.findings().get(0).location().line()).isEqualTo(1);

        YamlComposer.Result deep = JsonComposer.compose("p.json", "[[[[1]]]]", new YamlComposer.Limits(100, 3, 100));
        assertThat(deep.failed()).isTrue();
        assertThat(deep.findings().get(0).message()).contains("nested more than 3");

        assertThat(JsonComposer.compose("p.json", "").root()).isInstanceOf(YamlScalar.class);
    }
}
