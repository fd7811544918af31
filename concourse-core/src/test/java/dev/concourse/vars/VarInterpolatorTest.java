package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tree evaluation, ported in spirit from Concourse's vars/template_test.go. */
class VarInterpolatorTest {

    private static final InterpolationOptions DEFAULTS = InterpolationOptions.defaults();
    private static final InterpolationOptions ALL_KEYS = DEFAULTS.withExpectAllKeys(true);

    private static Map<String, Object> yaml(String text) {
        return StaticVariables.fromYaml("template.yml", text).asMap();
    }

    private static Object evaluate(Object tree, Variables vars) {
        return VarInterpolator.evaluate(tree, vars, DEFAULTS);
    }

    private static StaticVariables vars(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return StaticVariables.of(map);
    }

    @Test
    void replacesAWholeStringWithTheValue() {
        assertThat(evaluate("((key))", vars("key", "foo"))).isEqualTo("foo");
        assertThat(evaluate("((/key/foo))", vars("/key/foo", "foo"))).isEqualTo("foo");
        assertThat(evaluate("((Ω))", vars("Ω", "☃"))).isEqualTo("☃");
        assertThat(evaluate("((key))", vars("key", "this\nhas\nmany\nlines"))).isEqualTo("this\nhas\nmany\nlines");
    }

    @Test
    void interpolatesKeysAndValues() {
        assertThat(evaluate(yaml("((key)): ((value))"), vars("key", "foo", "value", "bar")))
                .isEqualTo(Map.of("foo", "bar"));
        assertThat(evaluate(yaml("((with-a-dash)): ((with_an_underscore))"),
                vars("with-a-dash", "dash", "with_an_underscore", "underscore")))
                .isEqualTo(Map.of("dash", "underscore"));
        assertThat(evaluate(yaml("((key)): ((key))"), vars("key", "foo"))).isEqualTo(Map.of("foo", "foo"));
        assertThat(evaluate(yaml("((iaas))_cpi: props"), vars("iaas", "aws"))).isEqualTo(Map.of("aws_cpi", "props"));
    }

    @Test
    void keepsTheTypeOfAWholeValue() {
        Map<String, Object> hash = Map.of("key2", List.of("value1", "value2"));
        Object result = evaluate(
                yaml("name1: ((name1))\nname2: ((name2))\nname3: ((name3))\nname4: ((name4))\n"
                        + "name5: ((name5))\nname6: ((name6))\n1234: value\n"),
                vars("name1", 1, "name2", "nil", "name3", true, "name4", "", "name5", null,
                        "name6", Map.of("key", hash)));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("name1", 1);
        expected.put("name2", "nil");
        expected.put("name3", true);
        expected.put("name4", "");
        expected.put("name5", null);
        expected.put("name6", Map.of("key", hash));
        expected.put("1234", "value");
        assertThat(result).isEqualTo(expected);
        assertThat(evaluate(yaml("otherstuff: ((boule))"), vars("boule", true))).isEqualTo(Map.of("otherstuff", true));
    }

    @Test
    void leavesNonStringsAlone() {
        assertThat(evaluate(1234L, vars("key", "not key"))).isEqualTo(1234L);
        assertThat(evaluate(null, vars())).isNull();
    }

    @Test
    void turnsANullKeyIntoTheTextNull() {
        assertThat(evaluate(yaml("((key)): value"), vars("key", null))).isEqualTo(Map.of("null", "value"));
    }

    @Test
    void embedsStringsAndIntegersInLongerStrings() {
        assertThat(evaluate("https://((ip))", vars("ip", "10.0.0.0"))).isEqualTo("https://10.0.0.0");
        assertThat(evaluate("nats://nats:((password))@((ip)):4222", vars("password", "secret", "ip", "10.0.0.0")))
                .isEqualTo("nats://nats:secret@10.0.0.0:4222");
        assertThat(evaluate("((ip)):((port))", vars("port", 4222, "ip", "10.0.0.0"))).isEqualTo("10.0.0.0:4222");
        assertThat(evaluate("((ip)):((port))", vars("port", 4222L, "ip", "h"))).isEqualTo("h:4222");
        assertThat(evaluate("((user)):((user))", vars("user", "nats"))).isEqualTo("nats:nats");
        assertThat(evaluate("v((n))", vars("n", new java.math.BigInteger("18446744073709551615"))))
                .isEqualTo("v18446744073709551615");
        assertThat(evaluate("ratio=((r))", vars("r", new BigDecimal("1.5")))).isEqualTo("ratio=1.5");
    }

    @Test
    void rejectsEmbeddingAFloat() {
        assertThatThrownBy(() -> evaluate("address: ((definition)):((eulers_number))",
                vars("eulers_number", 2.717, "definition", "natural_log")))
                .isInstanceOfSatisfying(InvalidInterpolationException.class, e -> {
                    assertThat(e.varName()).isEqualTo("eulers_number");
                    assertThat(e.valueType()).isEqualTo("float");
                    assertThat(e.getMessage()).startsWith(
                            "cannot interpolate non-primitive value (float) from var: eulers_number; ")
                            .contains("make ((eulers_number)) the whole value");
                });
    }

    @Test
    void rejectsEmbeddingBoolsNullsMapsAndLists() {
        Map<String, Object> values = new HashMap<>();
        values.put("flag", true);
        values.put("nothing", null);
        values.put("creds", Map.of("user", "u"));
        values.put("tags", List.of("a"));
        StaticVariables vars = StaticVariables.of(values);
        List<String> types = new ArrayList<>();
        for (String name : List.of("flag", "nothing", "creds", "tags")) {
            assertThatThrownBy(() -> evaluate("x-((" + name + "))", vars))
                    .isInstanceOfSatisfying(InvalidInterpolationException.class, e -> types.add(e.valueType()));
        }
        assertThat(types).containsExactly("bool", "null", "map", "list");
    }

    @Test
    void leavesTextThatIsNotAReferenceAlone() {
        assertThat(evaluate("(()", vars())).isEqualTo("(()");
        assertThat(evaluate("((not valid!)) ((a b)) (( x ))", vars("a", "1"))).isEqualTo("((not valid!)) ((a b)) (( x ))");
        assertThat(evaluate("(((a)))", vars("a", "1"))).isEqualTo("(1)");
    }

    @Test
    void readsQuotedSegments() {
        NamedVariables named = NamedVariables.of(Map.of("foo",
                vars("with.dot:colon", Map.of("buzz", "fuzz"))));
        assertThat(evaluate(yaml("bar: ((foo:\"with.dot:colon\".buzz))"), named)).isEqualTo(Map.of("bar", "fuzz"));
        assertThat(evaluate("((\"with:colon\"))", vars("with:colon", "foo"))).isEqualTo("foo");
        assertThat(evaluate("((secret-name.\"secret.field\"))", vars("secret-name", Map.of("secret.field", "topsekrit"))))
                .isEqualTo("topsekrit");
        assertThat(evaluate("((\"foo/bar/me.com-test@me.com/password\"))",
                vars("foo/bar/me.com-test@me.com/password", "secret"))).isEqualTo("secret");
    }

    @Test
    void readsVarSources() {
        NamedVariables named = NamedVariables.of(Map.of("dummy", vars("key", "val")));
        assertThat(evaluate(yaml("abc: ((dummy:key))"), named)).isEqualTo(Map.of("abc", "val"));
    }

    @Test
    void staticVarsDoNotAnswerSourcedReferences() {
        assertThat(evaluate("((key))=((.:key))", vars("key", "foo"))).isEqualTo("foo=((.:key))");
        assertThat(evaluate("((key))=((source:key))", vars("key", "foo"))).isEqualTo("foo=((source:key))");
    }

    @Test
    void readsFieldsOfMapValues() {
        assertThat(evaluate("((key.subkey))", vars("key", Map.of("subkey", "e")))).isEqualTo("e");
        assertThat(evaluate("user=((creds.a.b))", vars("creds", Map.of("a", Map.of("b", 7))))).isEqualTo("user=7");
    }

    @Test
    void reportsAMissingField() {
        assertThatThrownBy(() -> evaluate("((key.subkey_not_found))", vars("key", Map.of("subkey", "e"))))
                .isInstanceOfSatisfying(MissingFieldException.class, e -> {
                    assertThat(e).hasMessage("missing field 'subkey_not_found' in var: key.subkey_not_found");
                    assertThat(e.field()).isEqualTo("subkey_not_found");
                    assertThat(e.varName()).isEqualTo("key.subkey_not_found");
                });
    }

    @Test
    void reportsAFieldOfANonMap() {
        assertThatThrownBy(() -> evaluate("((key.subkey.deeper))", vars("key", Map.of("subkey", "e"))))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessage("cannot access field 'deeper' of non-map value ('string') from var: key.subkey.deeper");
        assertThatThrownBy(() -> evaluate("((tags.0))", vars("tags", List.of("a"))))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.valueType()).isEqualTo("list"));
        assertThatThrownBy(() -> evaluate("((n.x))", vars("n", null)))
                .hasMessage("cannot access field 'x' of non-map value ('null') from var: n.x");
    }

    @Test
    void namesTheVarWithoutItsSourceInFieldErrorsAsConcourseDoes() {
        NamedVariables named = NamedVariables.of(Map.of("vault", vars("creds", Map.of("user", "u"))));
        assertThatThrownBy(() -> evaluate("((vault:creds.pass))", named))
                .hasMessage("missing field 'pass' in var: creds.pass");
    }

    @Test
    void keepsMissingVarsAsWritten() {
        VarInterpolator interpolator = VarInterpolator.create(vars("key3", "foo"));
        Object result = interpolator.interpolateTree(yaml("((key)): ((key2))\n((key3)): 2"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("((key))", "((key2))");
        expected.put("foo", 2L);
        assertThat(result).isEqualTo(expected);
        assertThat(interpolator.missingVarNames()).containsExactly("key", "key2");
        interpolator.verify();
    }

    @Test
    void reportsEveryUndefinedVarTogetherWhenAllKeysAreExpected() {
        Map<String, Object> template = yaml("""
                ((key4))_array:
                - ((key_in_array))
                ((key)): ((key2))
                ((key3)): 2
                dup-key: ((key3))
                """);
        assertThatThrownBy(() -> VarInterpolator.evaluate(template, vars("key3", "foo"), ALL_KEYS))
                .isInstanceOfSatisfying(UndefinedVarsException.class, e -> {
                    assertThat(e).hasMessage("undefined vars: key, key2, key4, key_in_array");
                    assertThat(e.varNames()).containsExactly("key", "key2", "key4", "key_in_array");
                    assertThat(e.getSuppressed()).isEmpty();
                });
        assertThatThrownBy(() -> VarInterpolator.evaluate("((not-specified-one))((not-specified-two))", vars(), ALL_KEYS))
                .hasMessage("undefined vars: not-specified-one, not-specified-two");
    }

    @Test
    void namesUndefinedVarsWithSourceAndFields() {
        NamedVariables named = NamedVariables.of(Map.of("var1", vars("key3", "fuzz"), "var2", vars("key4", "blah")));
        assertThatThrownBy(() -> VarInterpolator.evaluate(yaml("((var1:key1)): ((var2:key1))"), named, ALL_KEYS))
                .hasMessage("undefined vars: var1:key1, var2:key1");
        assertThatThrownBy(() -> VarInterpolator.evaluate("((key.subkey_not_found))", vars(), ALL_KEYS))
                .hasMessage("undefined vars: key.subkey_not_found");
        assertThatThrownBy(() -> VarInterpolator.evaluate("((\"a.b\".c))", vars(), ALL_KEYS))
                .hasMessage("undefined vars: \"a.b\".c");
    }

    @Test
    void sortsNamesByCodePointAsGoDoes() {
        // U+FF21 sorts before U+1D400 by code point (and UTF-8 bytes), after it by UTF-16 units.
        assertThatThrownBy(() -> VarInterpolator.evaluate("((\uD835\uDC00))((\uFF21))((b))((B))", vars(), ALL_KEYS))
                .isInstanceOfSatisfying(UndefinedVarsException.class, e ->
                        assertThat(e.varNames()).containsExactly("B", "b", "\uFF21", "\uD835\uDC00"));
    }

    @Test
    void reportsUnusedVarsWhenAllVarsMustBeUsed() {
        InterpolationOptions allUsed = DEFAULTS.withExpectAllVarsUsed(true);
        assertThatThrownBy(() -> VarInterpolator.evaluate("((key2))", vars("key1", "1", "key2", "2", "key3", "3"), allUsed))
                .isInstanceOfSatisfying(UnusedVarsException.class, e -> {
                    assertThat(e).hasMessage("unused vars: key1, key3");
                    assertThat(e.varNames()).containsExactly("key1", "key3");
                });
        NamedVariables named = NamedVariables.of(Map.of("var1", vars("key1", "fuzz"), "var2", vars("key1", "blah")));
        assertThatThrownBy(() -> VarInterpolator.evaluate("((key2))", named, allUsed))
                .hasMessage("unused vars: var1:key1, var2:key1");
        assertThat(VarInterpolator.evaluate(yaml("((key)): ((key2))"), vars("key3", "foo"), DEFAULTS))
                .isEqualTo(Map.of("((key))", "((key2))"));
    }

    @Test
    void countsAVarAsUsedByItsPathWhateverTheFields() {
        InterpolationOptions allUsed = DEFAULTS.withExpectAllVarsUsed(true);
        assertThat(VarInterpolator.evaluate("((creds.user))", vars("creds", Map.of("user", "u")), allUsed)).isEqualTo("u");
        NamedVariables named = NamedVariables.of(Map.of("vault", vars("creds", Map.of("user", "u"))));
        assertThat(VarInterpolator.evaluate("((vault:creds.user))", named, allUsed)).isEqualTo("u");
        // A reference without the source does not use the sourced var.
        assertThatThrownBy(() -> VarInterpolator.evaluate("((creds.user))", MultiVariables.of(named, vars()), allUsed))
                .hasMessage("unused vars: vault:creds");
    }

    @Test
    void reportsUndefinedAndUnusedTogether() {
        InterpolationOptions both = new InterpolationOptions(true, true);
        assertThatThrownBy(() -> VarInterpolator.evaluate("((key2))", vars("key1", "1", "key3", "3"), both))
                .isInstanceOfSatisfying(UndefinedVarsException.class, e -> {
                    assertThat(e).hasMessage("undefined vars: key2\nunused vars: key1, key3");
                    assertThat(e.varNames()).containsExactly("key2");
                    assertThat(e.getSuppressed()).singleElement()
                            .isInstanceOfSatisfying(UnusedVarsException.class,
                                    u -> assertThat(u.varNames()).containsExactly("key1", "key3"));
                });
    }

    @Test
    void passesLookupFailuresThrough() {
        Variables failing = ref -> {
            throw new VarsException("fake-err looking up " + ref.displayName());
        };
        assertThatThrownBy(() -> evaluate("((key))", failing)).isInstanceOf(VarsException.class)
                .hasMessage("fake-err looking up key");
    }

    @Test
    void rejectsReferencesConcourseCannotParse() {
        assertThatThrownBy(() -> evaluate("x-((a..b))", vars())).isInstanceOf(InvalidVarRefException.class)
                .hasMessageStartingWith("invalid var 'a..b': empty field");
        assertThatThrownBy(() -> evaluate("((\"src\":x))", vars())).isInstanceOf(InvalidVarRefException.class)
                .hasMessageStartingWith("invalid var '\"src\":x': source must not be quoted");
        assertThatThrownBy(() -> evaluate("((vault:))", vars())).isInstanceOf(InvalidVarRefException.class)
                .hasMessageStartingWith("invalid var 'vault:': empty field");
    }

    @Test
    void rejectsAMapOrListAsAKey() {
        assertThatThrownBy(() -> evaluate(yaml("((k)): v"), vars("k", Map.of("a", "b"))))
                .isInstanceOfSatisfying(InvalidInterpolationException.class, e -> {
                    assertThat(e).hasMessage("cannot use non-primitive value (map) from var: k as a map key; "
                            + "give the var a string value");
                    assertThat(e.varName()).isEqualTo("k");
                });
    }

    @Test
    void letsTheLaterEntryWinWhenKeysCollide() {
        Object result = evaluate(yaml("a: 1\n((k)): 2"), vars("k", "a"));
        assertThat(result).isEqualTo(Map.of("a", 2L));
    }

    @Test
    void returnsANewUnmodifiableTreeAndLeavesTheInputAlone() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("user", "((user))");
        List<Object> list = new ArrayList<>(Arrays.asList("((user))", 1, null));
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("creds", inner);
        input.put("list", list);
        input.put("whole", "((creds))");
        Map<String, Object> credsValue = new LinkedHashMap<>();
        credsValue.put("k", new ArrayList<>(List.of("v")));

        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) evaluate(input,
                vars("user", "admin", "creds", credsValue));

        assertThat(input.get("creds")).isEqualTo(Map.of("user", "((user))"));
        assertThat(list).containsExactly("((user))", 1, null);
        assertThat(result.get("creds")).isEqualTo(Map.of("user", "admin"));
        assertThat(result.get("list")).isEqualTo(Arrays.asList("admin", 1, null));
        assertThat(result.get("whole")).isEqualTo(Map.of("k", List.of("v")));
        assertThatThrownBy(() -> result.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> whole = (Map<String, Object>) result.get("whole");
        assertThatThrownBy(() -> whole.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void triesSourcesInOrder() {
        StaticVariables first = StaticVariables.fromYaml("first.yml", """
                secret:
                  concourse_repo:
                    private_key: some-private-key
                env: some-env
                env-tags: ["speedy"]
                """);
        StaticVariables second = StaticVariables.fromYaml("second.yml", """
                secret:
                  concourse_repo:
                    private_key: some-private-key-override
                env: some-env-override
                """);
        Map<String, Object> template = yaml("""
                key: ((secret.concourse_repo.private_key))
                bucket: ((env))-ci
                tags: ((env-tags))
                """);
        assertThat(VarInterpolator.evaluate(template, MultiVariables.of(first, second), ALL_KEYS))
                .isEqualTo(Map.of("key", "some-private-key", "bucket", "some-env-ci", "tags", List.of("speedy")));
        assertThat(VarInterpolator.evaluate(template, MultiVariables.of(second, first), ALL_KEYS))
                .isEqualTo(Map.of("key", "some-private-key-override", "bucket", "some-env-override-ci",
                        "tags", List.of("speedy")));
    }
}
