package dev.concourse.vars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamedVariablesTest {

    private static final StaticVariables S1 = StaticVariables.of(Map.of("key1", "val"));
    private static final StaticVariables S2 = StaticVariables.of(Map.of("key2", "val"));

    @Test
    void findsNothingWithoutSources() {
        assertThat(NamedVariables.of(Map.of()).get(VarRef.of("a"))).isEmpty();
        assertThat(NamedVariables.of(Map.of()).list()).isEmpty();
    }

    @Test
    void failsForAnUnknownSource() {
        NamedVariables vars = NamedVariables.of(Map.of("s1", S1, "s2", S2));
        assertThatThrownBy(() -> vars.get(VarRef.parse("s3:foo")))
                .isInstanceOfSatisfying(MissingSourceException.class, e -> {
                    assertThat(e).hasMessage("missing source 's3' in var: s3:foo");
                    assertThat(e.source()).isEqualTo("s3");
                    assertThat(e.varName()).isEqualTo("s3:foo");
                });
    }

    @Test
    void asksOnlyTheNamedSourceAndWithoutTheSourceName() {
        List<VarRef> asked = new ArrayList<>();
        Variables recording = ref -> {
            asked.add(ref);
            return Optional.of("secret");
        };
        Variables failing = ref -> {
            throw new VarsException("fake-err");
        };
        NamedVariables vars = NamedVariables.of(Map.of("s1", failing, "s2", recording, "s3", failing));
        assertThat(vars.get(VarRef.parse("s2:key2.field"))).contains("secret");
        assertThat(asked).containsExactly(VarRef.parse("key2.field"));
    }

    @Test
    void findsNothingWithoutASourceName() {
        NamedVariables vars = NamedVariables.of(Map.of("s1", S1, "s2", S2));
        assertThat(vars.get(VarRef.of("key1"))).isEmpty();
    }

    @Test
    void passesFailuresThrough() {
        Variables failing = ref -> {
            throw new VarsException("fake-err");
        };
        NamedVariables vars = NamedVariables.of(Map.of("s1", S1, "s2", failing));
        assertThatThrownBy(() -> vars.get(VarRef.parse("s2:key3"))).hasMessage("fake-err");
    }

    @Test
    void listsVarsQualifiedWithTheirSource() {
        Map<String, Variables> sources = new LinkedHashMap<>();
        sources.put("s1", StaticVariables.empty().withPair("a=1").withPair("b=2"));
        sources.put("s2", StaticVariables.empty().withPair("b=3").withPair("c=4"));
        assertThat(NamedVariables.of(sources).list()).containsExactly(VarRef.parse("s1:a"), VarRef.parse("s1:b"),
                VarRef.parse("s2:b"), VarRef.parse("s2:c"));
    }

    @Test
    void servesLocalVarsUnderTheDotSource() {
        NamedVariables vars = NamedVariables.of(Map.of(".", StaticVariables.of(Map.of("version", "1.2.3"))));
        assertThat(VarInterpolator.create(vars).interpolate("v((.:version))").value()).isEqualTo("v1.2.3");
    }
}
