package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticVariablesTest {

    private static final StaticVariables NESTED = StaticVariables.of(Map.of("a", Map.of("subkey1", Map.of("subkey2", "foo"))));

    @Test
    void findsVarsByPath() {
        StaticVariables vars = StaticVariables.of(Map.of("a", "foo"));
        assertThat(vars.get(VarRef.of("a"))).contains("foo");
        assertThat(vars.get(VarRef.of("b"))).isEmpty();
    }

    @Test
    void ignoresReferencesWithASource() {
        StaticVariables vars = StaticVariables.of(Map.of("a", "foo"));
        assertThat(vars.get(VarRef.parse(".:a"))).isEmpty();
        assertThat(vars.get(VarRef.parse("some-var-source:a"))).isEmpty();
    }

    @Test
    void returnsTheWholeValueAndLeavesFieldsToTheInterpolator() {
        assertThat(NESTED.get(VarRef.parse("a.subkey1.subkey2"))).contains(Map.of("subkey1", Map.of("subkey2", "foo")));
        assertThat(VarInterpolator.create(NESTED).interpolate("((a.subkey1.subkey2))").value()).isEqualTo("foo");
        assertThatThrownBy(() -> VarInterpolator.create(NESTED).interpolate("((a.subkey1.bad_key))"))
                .isInstanceOf(MissingFieldException.class);
        assertThatThrownBy(() -> VarInterpolator.create(NESTED).interpolate("((a.subkey1.subkey2.cant_go_deeper))"))
                .isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void listsItsVarNames() {
        assertThat(StaticVariables.empty().list()).isEmpty();
        assertThat(StaticVariables.of(Map.of("a", "1")).withPair("b=2").list())
                .containsExactly(VarRef.of("a"), VarRef.of("b"));
    }

    @Test
    void mergesFlatPairsAsConcourseExpandsThem() {
        assertThat(StaticVariables.empty()
                .with(VarRef.of("hello"), "world")
                .with(VarRef.of("foo"), Map.of("bar", "baz")).asMap())
                .isEqualTo(Map.of("hello", "world", "foo", Map.of("bar", "baz")));
        assertThat(StaticVariables.empty()
                .with(VarRef.parse("hello.a.b"), "world")
                .with(VarRef.of("foo"), Map.of("bar", Map.of("abc", "def")))
                .with(VarRef.parse("foo.bar.ghi"), "jkl").asMap())
                .isEqualTo(Map.of("hello", Map.of("a", Map.of("b", "world")),
                        "foo", Map.of("bar", Map.of("abc", "def", "ghi", "jkl"))));
        assertThat(StaticVariables.empty()
                .with(VarRef.of("foo"), Map.of("bar", "baz"))
                .with(VarRef.parse("foo.bar.ghi"), "jkl").asMap())
                .isEqualTo(Map.of("foo", Map.of("bar", Map.of("ghi", "jkl"))));
        assertThat(StaticVariables.empty()
                .with(VarRef.of("foo"), Map.of("bar", "baz"))
                .with(VarRef.of("foo"), "jkl").asMap())
                .isEqualTo(Map.of("foo", "jkl"));
        assertThat(StaticVariables.empty().with(VarRef.parse("src:foo"), "x").asMap()).isEqualTo(Map.of("foo", "x"));
    }

    @Test
    void neverChangesAnExistingInstance() {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("m", new LinkedHashMap<>(Map.of("k", "v")));
        StaticVariables vars = StaticVariables.of(source);
        source.put("other", "x");
        StaticVariables changed = vars.with(VarRef.parse("m.k2"), "v2");

        assertThat(vars.asMap()).isEqualTo(Map.of("m", Map.of("k", "v")));
        assertThat(changed.asMap()).isEqualTo(Map.of("m", Map.of("k", "v", "k2", "v2")));
        assertThatThrownBy(() -> vars.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) vars.asMap().get("m");
        assertThatThrownBy(() -> m.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void printsNamesButNotValues() {
        assertThat(StaticVariables.of(Map.of("password", "hunter2"))).hasToString("StaticVariables[password]");
        assertThat(StaticVariables.of(Map.of("a", "1"))).isEqualTo(StaticVariables.empty().withPair("a=1"))
                .hasSameHashCodeAs(StaticVariables.empty().withPair("a=1"));
    }

    @Test
    void parsesStringPairsLikeFlyVarFlags() {
        assertThat(StaticVariables.empty().withPair("a=b").asMap()).isEqualTo(Map.of("a", "b"));
        assertThat(StaticVariables.empty().withPair("port=8080").asMap()).isEqualTo(Map.of("port", "8080"));
        assertThat(StaticVariables.empty().withPair("a=b=c").asMap()).isEqualTo(Map.of("a", "b=c"));
        assertThat(StaticVariables.empty().withPair("a=").asMap()).isEqualTo(Map.of("a", ""));
        assertThat(StaticVariables.empty().withPair("creds.user=admin").withPair("creds.pass=s3cret").asMap())
                .isEqualTo(Map.of("creds", Map.of("user", "admin", "pass", "s3cret")));
        assertThat(StaticVariables.empty().withPair("\"my.key\".\"x:y\"=v").asMap())
                .isEqualTo(Map.of("my.key", Map.of("x:y", "v")));
        assertThat(StaticVariables.empty().withPair(" key =v").asMap()).isEqualTo(Map.of("key", "v"));
    }

    @Test
    void rejectsMalformedPairs() {
        assertThatThrownBy(() -> StaticVariables.empty().withPair("novalue"))
                .isInstanceOfSatisfying(InvalidVarFlagException.class, e -> {
                    assertThat(e).hasMessage("invalid variable pair 'novalue' (must be name=value)");
                    assertThat(e.flag()).isEqualTo("novalue");
                });
        assertThatThrownBy(() -> StaticVariables.empty().withPair("a..b=c"))
                .isInstanceOf(InvalidVarFlagException.class)
                .hasMessageStartingWith("invalid variable pair 'a..b=c': invalid var 'a..b': empty field")
                .hasCauseInstanceOf(InvalidVarRefException.class);
        assertThatThrownBy(() -> StaticVariables.empty().withYamlPair("=1"))
                .hasMessageStartingWith("invalid variable pair '=1': invalid var '': empty field");
    }

    @Test
    void parsesYamlPairsLikeFlyYamlVarFlags() {
        assertThat(StaticVariables.empty().withYamlPair("key=value").asMap()).isEqualTo(Map.of("key", "value"));
        assertThat(StaticVariables.empty().withYamlPair("key={hello:world: [a, b, c]}").asMap())
                .isEqualTo(Map.of("key", Map.of("hello:world", List.of("a", "b", "c"))));
        assertThat(StaticVariables.empty().withYamlPair("key={int: 1, float: 1.23, exp: 1e3, yes: yes}").asMap())
                .isEqualTo(Map.of("key", Map.of("int", 1L, "float", new java.math.BigDecimal("1.23"),
                        "exp", new java.math.BigDecimal("1000"), "true", true)));
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThat(StaticVariables.empty().withYamlPair("k=").asMap()).isEqualTo(withNull);
        assertThat(StaticVariables.empty().withYamlPair("a.b=[1, \"2\"]").asMap())
                .isEqualTo(Map.of("a", Map.of("b", List.of(1L, "2"))));
    }

    @Test
    void embedsYamlPairNumbersAsWritten() {
        StaticVariables vars = StaticVariables.empty().withYamlPair("ratio=1.50").withYamlPair("port=4222");
        assertThat(VarInterpolator.create(vars).interpolate("r=((ratio)),p=((port))").value()).isEqualTo("r=1.5,p=4222");
    }

    @Test
    void rejectsMalformedYamlPairs() {
        assertThatThrownBy(() -> StaticVariables.empty().withYamlPair("key={a: b"))
                .isInstanceOf(InvalidVarFlagException.class)
                .hasMessageStartingWith("invalid YAML value in variable pair 'key={a: b': ")
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> StaticVariables.empty().withYamlPair("key=.nan"))
                .hasMessageContaining("unsupported value .nan");
    }

    @Test
    void readsVarsFilesWithGoYamlTyping() {
        StaticVariables vars = StaticVariables.fromYaml("vars.yml", """
                t1: yes
                t2: On
                t3: y
                f1: no
                f2: OFF
                n1: ~
                n2:
                i1: 0x1F
                i2: 0777
                i3: 1_000
                i4: -12
                i5: 0b101
                big: 18446744073709551615
                fl1: 1.5
                fl2: .5
                fl3: 1e3
                fl4: 08
                s1: "yes"
                s2: 2001-12-14
                s3: !!str 123
                s4: 1e400
                s5: '0x1F'
                tagged-int: !!int "12"
                tagged-float: !!float 1
                tagged-bool: !!bool "on"
                binary: !!binary aGVsbG8=
                1: one
                true: yes-key
                2.50: float-key
                """);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("t1", true);
        expected.put("t2", true);
        expected.put("t3", true);
        expected.put("f1", false);
        expected.put("f2", false);
        expected.put("n1", null);
        expected.put("n2", null);
        expected.put("i1", 31L);
        expected.put("i2", 511L);
        expected.put("i3", 1000L);
        expected.put("i4", -12L);
        expected.put("i5", 5L);
        expected.put("big", new java.math.BigInteger("18446744073709551615"));
        expected.put("fl1", 1.5);
        expected.put("fl2", 0.5);
        expected.put("fl3", 1000.0);
        expected.put("fl4", 8.0);
        expected.put("s1", "yes");
        expected.put("s2", "2001-12-14");
        expected.put("s3", "123");
        expected.put("s4", "1e400");
        expected.put("s5", "0x1F");
        expected.put("tagged-int", 12L);
        expected.put("tagged-float", 1.0);
        expected.put("tagged-bool", true);
        expected.put("binary", "hello");
        expected.put("1", "one");
        expected.put("true", "yes-key");
        expected.put("2.5", "float-key");
        assertThat(vars.asMap()).containsExactlyEntriesOf(expected);
    }

    @Test
    void honoursAnchorsAndMergeKeys() {
        StaticVariables vars = StaticVariables.fromYaml("vars.yml", """
                base: &base {a: 1, b: 2}
                other: &other {b: 20, c: 30}
                merged: {<<: *base, b: 3}
                multi:
                  <<: [*base, *other]
                copy: *base
                """);
        assertThat(vars.asMap().get("merged")).isEqualTo(Map.of("a", 1L, "b", 3L));
        assertThat(vars.asMap().get("multi")).isEqualTo(Map.of("a", 1L, "b", 2L, "c", 30L));
        assertThat(vars.asMap().get("copy")).isEqualTo(Map.of("a", 1L, "b", 2L));
    }

    @Test
    void readsYAsABooleanKeyAsGoYamlV2Does() {
        assertThat(StaticVariables.fromYaml("vars.yml", "point: {x: 1, y: 2}").asMap().get("point"))
                .isEqualTo(Map.of("x", 1L, "true", 2L));
    }

    @Test
    void readsOnlyTheFirstDocumentAndTreatsAnEmptyOneAsNoVars() {
        assertThat(StaticVariables.fromYaml("v.yml", "a: 1\n---\nb: 2\n").asMap()).isEqualTo(Map.of("a", 1L));
        assertThat(StaticVariables.fromYaml("v.yml", "").asMap()).isEmpty();
        assertThat(StaticVariables.fromYaml("v.yml", "# only a comment\n").asMap()).isEmpty();
        assertThat(StaticVariables.fromYaml("v.yml", "a: 1\na: 2\n").asMap()).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void rejectsAFileThatIsNotAMapping() {
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "- a\n- b\n"))
                .isInstanceOfSatisfying(VarsFileException.class, e -> {
                    assertThat(e).hasMessage("could not unmarshal template variables (vars.yml): expected a mapping"
                            + " of var names to values but found a list; write one 'name: value' entry per var");
                    assertThat(e.sourceName()).isEqualTo("vars.yml");
                });
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "just text"))
                .hasMessageContaining("but found a string");
    }

    @Test
    void rejectsInvalidYamlNamingTheFileAndLine() {
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "a: 1\nb: [1, 2\n"))
                .isInstanceOf(VarsFileException.class)
                .hasMessageStartingWith("could not unmarshal template variables (vars.yml): invalid YAML: ")
                .hasMessageContaining("line 3");
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "a: .inf\n"))
                .hasMessageContaining("unsupported value .inf at line 1, column 4");
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "? [a]\n: b\n"))
                .hasMessageContaining("unsupported map key a list at line 1");
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "a: !!int abc\n"))
                .hasMessageContaining("cannot decode `abc` as a !!int");
        assertThatThrownBy(() -> StaticVariables.fromYaml("vars.yml", "a: &x [*x]\n"))
                .isInstanceOf(VarsFileException.class);
    }

    @Test
    void readsAVarsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vars.yml");
        Files.writeString(file, "creds:\n  user: admin\n");
        assertThat(StaticVariables.fromYamlFile(file).asMap()).isEqualTo(Map.of("creds", Map.of("user", "admin")));
    }

    @Test
    void namesAFileItCannotRead(@TempDir Path dir) {
        Path missing = dir.resolve("missing.yml");
        assertThatThrownBy(() -> StaticVariables.fromYamlFile(missing))
                .isInstanceOfSatisfying(VarsFileException.class, e -> {
                    assertThat(e.getMessage()).startsWith("could not read template variables file (" + missing + "): ")
                            .endsWith("; check the path given to -l");
                    assertThat(e.sourceName()).isEqualTo(missing.toString());
                });
    }

    @Test
    void namesTheFileWhenItIsNotAMapping(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("list.yml");
        Files.writeString(file, "- 1\n");
        assertThatThrownBy(() -> StaticVariables.fromYamlFile(file))
                .hasMessageStartingWith("could not unmarshal template variables (" + file + "): expected a mapping");
    }
}
